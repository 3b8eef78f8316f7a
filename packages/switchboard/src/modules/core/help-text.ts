/**
 * The text of /help: every command with its version and description, deprecated ones marked with what
 * replaces them. Plain text rather than an embed, because a hundred commands do not fit in one embed; the
 * responder splits long text into several messages.
 */
import type { VersionedCommand } from '../../discord/command-versioning.ts';

function line(command: VersionedCommand): string {
  const { name, description } = command.definition;
  const base = `\`/${name}\` (${command.version}) — ${description}`;
  if (!command.deprecated) return base;
  const replacement = command.deprecated.replacedBy?.replace(/^\//, '');
  return replacement ? `${base} *Deprecated: use \`/${replacement}\` instead.*` : `${base} *Deprecated.*`;
}

/** Commands sorted by name, current ones first, then the deprecated ones. */
export function helpText(commands: readonly VersionedCommand[]): string {
  if (commands.length === 0) return 'I have no commands right now.';
  const byName = [...commands].sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  const current = byName.filter((command) => !command.deprecated);
  const deprecated = byName.filter((command) => command.deprecated);
  const sections = [`**My commands**\n${current.map(line).join('\n')}`];
  if (deprecated.length > 0) sections.push(`**Being removed**\n${deprecated.map(line).join('\n')}`);
  return sections.join('\n\n');
}
