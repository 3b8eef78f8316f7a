/**
 * Slash commands as modules declare them: a Discord definition plus a semantic version. The set's hash
 * decides whether the commands must be registered again at startup (a changed definition or a version bump
 * changes it; reordering keys or commands does not), and validation catches what Discord would reject
 * before a registration is attempted.
 */
import { createHash } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { COMMAND_CHOICES_MAX, COMMAND_DESCRIPTION_MAX, COMMAND_NAME_MAX, COMMAND_OPTIONS_MAX, GLOBAL_CHAT_COMMANDS_MAX } from 'discord-limits';

export type VersionedCommand = {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Semantic version (x.y.z); bump it to force a re-registration. */
  version: string;
  /** The module that provides the command, for messages about it. */
  module: string;
  deprecated?: { message: string; replacedBy?: string };
};

/** One thing Discord would reject (or that would confuse users); `command` is the top-level name. */
export type CommandProblem = { command: string; message: string };

const NUMERIC = '(?:0|[1-9]\\d*)';
const PRERELEASE_PART = `(?:${NUMERIC}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const BUILD_PART = '[0-9A-Za-z-]+';
const SEMVER = new RegExp(
  `^${NUMERIC}\\.${NUMERIC}\\.${NUMERIC}(?:-${PRERELEASE_PART}(?:\\.${PRERELEASE_PART})*)?(?:\\+${BUILD_PART}(?:\\.${BUILD_PART})*)?$`,
);

/** Whether `version` follows Semantic Versioning 2.0.0 (no leading "v", no leading zeros). */
export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}

/** Discord's rule for command and option names: letters, digits, `-`, `_` and `'`, in lower case where there is one. */
const NAME = new RegExp(`^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,${COMMAND_NAME_MAX}}$`, 'u');

/** JSON with object keys sorted at every depth and undefined members dropped, so equal data gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) over the definitions and versions. The module and deprecation notes are not sent to Discord,
 * so they are left out; the order of commands does not matter either.
 */
export function commandSetHash(commands: readonly VersionedCommand[]): string {
  const entries = commands.map((command) => canonicalJson({ definition: command.definition, version: command.version })).sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

function checkNameAndDescription(label: string, name: string, description: string): string[] {
  const problems: string[] = [];
  if (!NAME.test(name)) {
    problems.push(`${label}: the name must be 1 to ${COMMAND_NAME_MAX} letters, digits, "-", "_" or "'"`);
  } else if (name !== name.toLowerCase()) {
    problems.push(`${label}: the name must be lower case`);
  }
  const length = [...description].length;
  if (length < 1 || length > COMMAND_DESCRIPTION_MAX) {
    problems.push(`${label}: the description must be 1 to ${COMMAND_DESCRIPTION_MAX} characters (it has ${length})`);
  }
  return problems;
}

function isSubcommandLike(option: APIApplicationCommandOption): boolean {
  return option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup;
}

/** Checks one level of options and recurses into subcommands; `depth` 0 is the command itself. */
function checkOptions(label: string, options: readonly APIApplicationCommandOption[], depth: number): string[] {
  const problems: string[] = [];
  if (options.length > COMMAND_OPTIONS_MAX) problems.push(`${label}: ${options.length} options; the limit is ${COMMAND_OPTIONS_MAX}`);
  const subcommands = options.filter(isSubcommandLike).length;
  if (subcommands > 0 && subcommands < options.length) problems.push(`${label}: subcommands cannot be mixed with other options`);
  const seen = new Set<string>();
  let optionalSeen = false;
  for (const option of options) {
    const optionLabel = `${label} ${option.name}`;
    if (seen.has(option.name)) problems.push(`${label}: the option name "${option.name}" is used twice`);
    seen.add(option.name);
    problems.push(...checkNameAndDescription(optionLabel, option.name, option.description));
    if (option.type === ApplicationCommandOptionType.SubcommandGroup && depth > 0) {
      problems.push(`${optionLabel}: a subcommand group can only sit directly under the command`);
    }
    if (option.type === ApplicationCommandOptionType.Subcommand && depth > 1) {
      problems.push(`${optionLabel}: subcommands cannot be nested this deep`);
    }
    if (!isSubcommandLike(option)) {
      if (option.required && optionalSeen) problems.push(`${optionLabel}: required options must come before optional ones`);
      if (!option.required) optionalSeen = true;
    }
    if ('choices' in option && option.choices && option.choices.length > COMMAND_CHOICES_MAX) {
      problems.push(`${optionLabel}: ${option.choices.length} choices; the limit is ${COMMAND_CHOICES_MAX}`);
    }
    if ('options' in option && option.options) problems.push(...checkOptions(optionLabel, option.options, depth + 1));
  }
  return problems;
}

/** Everything wrong with the set, in plain words; an empty list means Discord should accept it. */
export function validateCommandSet(commands: readonly VersionedCommand[]): CommandProblem[] {
  const problems: CommandProblem[] = [];
  const modulesByName = new Map<string, string[]>();
  for (const command of commands) {
    const { name, description, options } = command.definition;
    modulesByName.set(name, [...(modulesByName.get(name) ?? []), command.module]);
    const label = `/${name}`;
    const add = (message: string) => problems.push({ command: name, message });
    if (!isSemver(command.version)) add(`${label}: version "${command.version}" is not a semantic version such as 1.2.0`);
    checkNameAndDescription(label, name, description).forEach(add);
    checkOptions(label, options ?? [], 0).forEach(add);
  }
  for (const [name, modules] of modulesByName) {
    if (modules.length > 1) problems.push({ command: name, message: `/${name} is defined ${modules.length} times (by ${modules.join(', ')})` });
  }
  if (modulesByName.size > GLOBAL_CHAT_COMMANDS_MAX) {
    problems.push({ command: '*', message: `${modulesByName.size} commands; Discord allows at most ${GLOBAL_CHAT_COMMANDS_MAX} global slash commands` });
  }
  for (const command of commands) {
    const replacement = command.deprecated?.replacedBy?.replace(/^\//, '');
    if (replacement !== undefined && !modulesByName.has(replacement)) {
      problems.push({ command: command.definition.name, message: `/${command.definition.name} is replaced by /${replacement}, which is not defined` });
    }
  }
  return problems;
}

/** The sentence a deprecated command adds to its replies, or null when it is not deprecated. */
export function deprecationNotice(command: VersionedCommand): string | null {
  if (!command.deprecated) return null;
  const replacement = command.deprecated.replacedBy?.replace(/^\//, '');
  const base = replacement
    ? `\`/${command.definition.name}\` is deprecated and will be removed; use \`/${replacement}\` instead.`
    : `\`/${command.definition.name}\` is deprecated and will be removed.`;
  const extra = command.deprecated.message.trim();
  return extra ? `${base} ${extra}` : base;
}
