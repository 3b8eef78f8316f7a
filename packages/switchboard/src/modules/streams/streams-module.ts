/**
 * Go-live notifications in Discord: `/stream add`, `/stream remove` (with autocomplete over the server's
 * subscriptions) and `/stream list`, for members with Manage Server. Discord hides the command from others
 * (default_member_permissions) and the handler checks again, since a server may override that default.
 * The announcements themselves are posted by the go-live service, not here.
 */
import {
  ApplicationCommandOptionType,
  GatewayIntentBits,
  PermissionFlagsBits,
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIChatInputApplicationCommandInteraction,
} from 'discord-api-types/v10';
import { COMMAND_CHOICE_NAME_MAX, COMMAND_CHOICES_MAX, MESSAGE_CONTENT_MAX } from 'discord-limits';
import { cutText } from '../../discord/cut-text.ts';
import type { StreamSubscriptionView } from '../../storage/stream-watch-repository.ts';
import type { HubModule } from '../hub-module.ts';
import { PLATFORM_LABELS } from './announcement-message.ts';
import type { SubscribeResult, UnsubscribeResult } from './go-live-service.ts';
import { STREAM_PLATFORMS, type StreamPlatformName } from './stream-platform.ts';
import { STREAM_COMMAND } from './stream-commands.ts';
import { memberManagesGuild } from '../../discord/member-permissions.ts';

export const STREAMS_MODULE_NAME = 'streams';

export const STREAMS_MODULE_DECLARATION: HubModule = {
  name: STREAMS_MODULE_NAME,
  description: 'Go-live announcements for Twitch, YouTube and Kick streamers',
  intents: [GatewayIntentBits.Guilds],
  // Mentioning a role that is not mentionable also needs Mention Everyone; allowed_mentions still limits the ping to that role.
  permissions: [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks],
  commands: [STREAM_COMMAND],
};

export type StreamsModuleOptions = {
  streams: {
    list(guildId: string): Promise<StreamSubscriptionView[]>;
    subscribe(input: { guildId: string; channelId: string; roleId: string | null; platform: StreamPlatformName; query: string; createdBy: string }): Promise<SubscribeResult>;
    unsubscribe(guildId: string, subscriptionId: string): Promise<UnsubscribeResult>;
  };
};


/** "Twitch · ninja → #live" — how a subscription is named in lists and choices. */
export function describeSubscription(s: StreamSubscriptionView, mention = true): string {
  const where = mention ? `<#${s.channelId}>` : `channel ${s.channelId}`;
  return `${PLATFORM_LABELS[s.watch.platform]} · ${s.watch.streamerName} → ${where}${s.roleId && mention ? ` (mentions <@&${s.roleId}>)` : ''}`;
}

function statusNote(s: StreamSubscriptionView): string {
  switch (s.watch.status) {
    case 'pending':
      return ' — waiting for the platform to confirm';
    case 'revoked':
    case 'failed':
      return ` — not working: ${s.watch.statusReason ?? s.watch.status}; remove and add it again`;
    default:
      return '';
  }
}

function subOptions(interaction: APIChatInputApplicationCommandInteraction | APIApplicationCommandAutocompleteInteraction): { name: string; options: APIApplicationCommandInteractionDataBasicOption[] } {
  const sub = interaction.data.options?.[0];
  if (!sub || sub.type !== ApplicationCommandOptionType.Subcommand) return { name: '', options: [] };
  return { name: sub.name, options: (sub.options ?? []) as APIApplicationCommandInteractionDataBasicOption[] };
}

function optionText(options: readonly APIApplicationCommandInteractionDataBasicOption[], name: string): string | undefined {
  const option = options.find((o) => o.name === name);
  return option && (option.type === ApplicationCommandOptionType.String || option.type === ApplicationCommandOptionType.Channel || option.type === ApplicationCommandOptionType.Role) ? String(option.value) : undefined;
}

export function createStreamsModule(options: StreamsModuleOptions): HubModule {
  const { streams } = options;

  /** The subscription `/stream remove` names: the id an autocomplete choice carries, or a unique streamer name. */
  function pick(list: readonly StreamSubscriptionView[], typed: string): StreamSubscriptionView | StreamSubscriptionView[] {
    const byId = list.find((s) => s.id === typed);
    if (byId) return byId;
    const needle = typed.trim().toLowerCase();
    const matches = list.filter((s) => s.watch.streamerLogin.toLowerCase() === needle || s.watch.streamerName.toLowerCase() === needle);
    return matches.length === 1 ? matches[0]! : matches;
  }

  return {
    ...STREAMS_MODULE_DECLARATION,

    async onCommand(interaction, reply) {
      const guildId = interaction.guild_id;
      if (!guildId || !interaction.member) return reply.replyEphemeral('Go-live announcements are set up in a server.');
      if (!memberManagesGuild(interaction.member)) return reply.replyEphemeral('You need the Manage Server permission to change go-live announcements.');
      const { name, options: given } = subOptions(interaction);

      if (name === 'list') {
        const list = await streams.list(guildId);
        if (list.length === 0) return reply.replyEphemeral('No go-live announcements yet: add one with `/stream add`.');
        const lines = list.map((s) => `• ${describeSubscription(s)}${statusNote(s)}`);
        return reply.replyEphemeral({ content: cutText(`**Go-live announcements (${list.length})**\n${lines.join('\n')}`, MESSAGE_CONTENT_MAX), allowed_mentions: { parse: [] } });
      }

      if (name === 'add') {
        const platform = optionText(given, 'platform');
        if (!platform || !(STREAM_PLATFORMS as readonly string[]).includes(platform)) return reply.replyEphemeral('Choose the platform: twitch, youtube or kick.');
        const query = optionText(given, 'streamer') ?? '';
        const channelId = optionText(given, 'channel');
        if (!channelId) return reply.replyEphemeral('Choose the channel to announce in.');
        await reply.defer({ ephemeral: true });
        const result = await streams.subscribe({ guildId, channelId, roleId: optionText(given, 'role') ?? null, platform: platform as StreamPlatformName, query, createdBy: interaction.member.user.id });
        if (!result.ok) return void (await reply.editReply({ content: result.reason, allowed_mentions: { parse: [] } }));
        await reply.editReply({ content: `Done: ${describeSubscription(result.subscription)}${statusNote(result.subscription)}.`, allowed_mentions: { parse: [] } });
        return;
      }

      if (name === 'remove') {
        const typed = optionText(given, 'streamer') ?? '';
        const found = pick(await streams.list(guildId), typed);
        if (Array.isArray(found)) {
          return reply.replyEphemeral(found.length === 0 ? `No go-live announcement here matches "${typed}"; see \`/stream list\`.` : `Several announcements match "${typed}": pick one from the suggestions.`);
        }
        const result = await streams.unsubscribe(guildId, found.id);
        if (!result.ok) return reply.replyEphemeral(result.reason);
        return reply.replyEphemeral({ content: `Removed: ${describeSubscription(result.subscription)}.`, allowed_mentions: { parse: [] } });
      }
      return reply.replyEphemeral('Unknown /stream subcommand.');
    },

    async onAutocomplete(interaction, reply) {
      const guildId = interaction.guild_id;
      if (!guildId || !memberManagesGuild(interaction.member)) return reply.autocomplete([]);
      const { options: given } = subOptions(interaction);
      const typed = (given.find((o) => 'focused' in o && o.focused)?.value ?? '').toString().trim().toLowerCase();
      const list = await streams.list(guildId);
      const choices = list
        .filter((s) => typed === '' || s.watch.streamerLogin.toLowerCase().includes(typed) || s.watch.streamerName.toLowerCase().includes(typed))
        .slice(0, COMMAND_CHOICES_MAX)
        .map((s) => ({ name: cutText(describeSubscription(s, false), COMMAND_CHOICE_NAME_MAX), value: s.id }));
      return reply.autocomplete(choices);
    },
  };
}
