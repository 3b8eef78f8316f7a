/**
 * `/config view|set|reset`: a server's own settings from Discord. The Manage Server permission is checked
 * here from the member's permissions, not only by the command's default permissions (which a server owner
 * can change). Every answer is ephemeral; a refused value names the setting's path and what it allows.
 */
import { COMMAND_CHOICES_MAX, EMBED_DESCRIPTION_MAX, MESSAGE_CONTENT_MAX } from 'discord-limits';
import { GatewayIntentBits, type APIApplicationCommandInteractionDataOption, type APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import type { GuildConfigService } from '../../config/guild-config/guild-config-service.ts';
import { DEFAULT_GUILD_CONFIG } from '../../config/guild-config/guild-config-schema.ts';
import { parseSetting, valueAt, type ConfigIssue } from '../../config/guild-config/guild-config-validation.ts';
import { isPlainObject } from '../../config/guild-config/merge.ts';
import { cutText } from '../../discord/cut-text.ts';
import { memberManagesGuild } from '../../discord/member-permissions.ts';
import type { HubModule } from '../hub-module.ts';
import { CONFIG_COMMAND } from './config-commands.ts';

export const CONFIG_MODULE_NAME = 'config';

export const CONFIG_MODULE_DECLARATION: HubModule = {
  name: CONFIG_MODULE_NAME,
  description: "Each server's settings: /config view, set and reset",
  intents: [GatewayIntentBits.Guilds],
  commands: [CONFIG_COMMAND],
};

/** Every setting's dotted path, and every section's, in the order of the defaults. */
export function settingPaths(node: unknown = DEFAULT_GUILD_CONFIG, prefix = ''): { path: string; section: boolean }[] {
  if (!isPlainObject(node)) return [];
  const paths: { path: string; section: boolean }[] = [];
  for (const [key, value] of Object.entries(node)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    paths.push({ path, section: isPlainObject(value) });
    paths.push(...settingPaths(value, path));
  }
  return paths;
}

function options(interaction: APIChatInputApplicationCommandInteraction): { subcommand: string; values: Map<string, string> } {
  const sub = interaction.data.options?.[0] as (APIApplicationCommandInteractionDataOption & { options?: { name: string; value: unknown }[] }) | undefined;
  const values = new Map<string, string>();
  for (const option of sub?.options ?? []) if (typeof option.value === 'string') values.set(option.name, option.value);
  return { subcommand: sub?.name ?? '', values };
}

function issuesText(issues: readonly ConfigIssue[]): string {
  const lines = issues.map((issue) => `• \`${issue.path || '(root)'}\` ${issue.message}`);
  return cutText(`That change was not made:\n${lines.join('\n')}`, MESSAGE_CONTENT_MAX);
}

export function createConfigModule(options_: { service: GuildConfigService }): HubModule {
  const { service } = options_;
  return {
    ...CONFIG_MODULE_DECLARATION,
    async onCommand(interaction, reply) {
      const guildId = interaction.guild_id;
      if (!guildId) return reply.replyEphemeral('Settings belong to a server: use /config in one.');
      if (!memberManagesGuild(interaction.member)) return reply.replyEphemeral('Changing or viewing these settings needs the Manage Server permission.');
      const { subcommand, values } = options(interaction);
      const actor = { id: `discord:${interaction.member?.user.id ?? 'unknown'}`, source: 'command' as const };
      switch (subcommand) {
        case 'view': {
          const view = await service.view(guildId);
          const section = values.get('section');
          const shown = section ? { [section]: valueAt([section], view.config) } : view.config;
          const changed = settingPaths(view.stored).filter((p) => !p.section).map((p) => `\`${p.path}\``);
          const fromFile = view.file ? settingPaths(view.file).filter((p) => !p.section).map((p) => `\`${p.path}\``) : [];
          const notes = [
            changed.length > 0 ? `Changed here: ${changed.join(', ')}` : 'Nothing changed here yet: these are the defaults.',
            ...(fromFile.length > 0 ? [`From the override file: ${fromFile.join(', ')}`] : []),
            ...(view.fileProblems.length > 0 ? [`⚠️ The override file has ${view.fileProblems.length} problem(s); its last valid version applies.`] : []),
          ].join('\n');
          const json = JSON.stringify(shown, null, 2);
          const description = cutText(`${notes}\n\`\`\`json\n${cutText(json, EMBED_DESCRIPTION_MAX - notes.length - 20)}\n\`\`\``, EMBED_DESCRIPTION_MAX);
          return reply.replyEphemeral({ embeds: [{ title: section ? `Settings: ${section}` : 'Settings', description }] });
        }
        case 'set': {
          const parsed = parseSetting(values.get('path') ?? '', values.get('value') ?? '');
          if (!parsed.ok) return reply.replyEphemeral(issuesText([parsed.issue]));
          const result = await service.change(guildId, { kind: 'set', path: parsed.path, value: parsed.value }, actor);
          if (!result.ok) return reply.replyEphemeral(issuesText(result.issues));
          const now = JSON.stringify(valueAt(parsed.path, result.config));
          return reply.replyEphemeral(result.changed ? `\`${parsed.path.join('.')}\` is now ${cutText(now, 1800)}.` : `\`${parsed.path.join('.')}\` already was ${cutText(now, 1800)}.`);
        }
        case 'reset': {
          const pathText = values.get('path')?.trim() ?? '';
          const path = pathText === '' ? [] : pathText.split('.');
          if (path.length > 0 && !settingPaths().some((p) => p.path === pathText)) {
            return reply.replyEphemeral(issuesText([{ path: pathText, message: `is not a setting or section; sections: ${Object.keys(DEFAULT_GUILD_CONFIG).join(', ')}` }]));
          }
          const result = await service.change(guildId, { kind: 'reset', path }, actor);
          if (!result.ok) return reply.replyEphemeral(issuesText(result.issues));
          const what = path.length === 0 ? 'Every setting' : `\`${pathText}\``;
          return reply.replyEphemeral(result.changed ? `${what} is back to its default.` : `${what} was not changed here; nothing to reset.`);
        }
        default:
          return reply.replyEphemeral('Unknown /config subcommand.');
      }
    },
    async onAutocomplete(interaction, reply) {
      const focused = (interaction.data.options?.[0] as { options?: { name: string; value: unknown; focused?: boolean }[] } | undefined)?.options?.find((o) => o.focused);
      const typed = typeof focused?.value === 'string' ? focused.value.toLowerCase() : '';
      const sub = interaction.data.options?.[0]?.name;
      const candidates = settingPaths().filter((p) => (sub === 'reset' ? true : !p.section) && p.path.toLowerCase().includes(typed));
      return reply.autocomplete(candidates.slice(0, COMMAND_CHOICES_MAX).map((p) => ({ name: p.path, value: p.path })));
    },
  };
}
