/**
 * Meetings in Discord: `/kaltura-start` starts a Kaltura Meetings room and announces it in the channel
 * (the guild's template), `/kaltura-join` hands a member an ephemeral button with their own short-lived
 * join link (the KS is minted only when the link is opened, so none is ever posted in Discord),
 * `/kaltura-list` shows what runs and what ended, `/kaltura-end` ends one, says so in the channel and marks
 * the announcement ended. Without a Kaltura account every command says what the operator has to set.
 */
import type { API } from '@discordjs/core';
import {
  ApplicationCommandOptionType,
  ButtonStyle,
  ComponentType,
  GatewayIntentBits,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionGuildMember,
} from 'discord-api-types/v10';
import { BUTTON_LABEL_MAX, COMMAND_CHOICE_NAME_MAX, COMMAND_CHOICES_MAX, MESSAGE_CONTENT_MAX, SELECT_OPTION_DESCRIPTION_MAX, SELECT_OPTION_LABEL_MAX, SELECT_OPTIONS_MAX } from 'discord-limits';
import type { Logger } from 'pino';
import type { GuildConfig } from '../../config/guild-config/guild-config-schema.ts';
import { renderTemplate } from '../../config/guild-config/template.ts';
import { cutText } from '../../discord/cut-text.ts';
import { memberManagesGuild } from '../../discord/member-permissions.ts';
import { buildCustomId } from '../../interactions/custom-id.ts';
import type { ReplyInput } from '../../interactions/interaction-responder.ts';
import type { MeetingRecord } from '../../storage/meeting-repository.ts';
import type { MeetingType } from '../../storage/schema.ts';
import type { HubModule } from '../hub-module.ts';
import { MEETING_COMMANDS } from './meeting-commands.ts';
import type { MeetingMember } from './meeting-roles.ts';
import { MEETING_TYPES, NOT_CONFIGURED_REASON, type MeetingService } from './meeting-service.ts';

export const MEETINGS_MODULE_NAME = 'meetings';
const ENDED_SHOWN = 5;
const NO_MENTIONS = { parse: [] };

export const MEETINGS_MODULE_DECLARATION: HubModule = {
  name: MEETINGS_MODULE_NAME,
  description: 'Kaltura meetings, webinars and classrooms started from Discord, with personal join links',
  intents: [GatewayIntentBits.Guilds],
  permissions: [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages],
  commands: MEETING_COMMANDS,
};

export type MeetingsModuleOptions = {
  service: MeetingService;
  api: () => API;
  logger: Logger;
  guildConfig: (guildId: string) => Promise<GuildConfig>;
};

const TYPE_NAMES: Readonly<Record<MeetingType, string>> = { meeting: 'meeting', webinar: 'webinar', classroom: 'classroom' };

/** "1 h 5 min", "12 min", "less than a minute". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${minutes} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

const unix = (ms: number) => Math.floor(ms / 1000);

function memberOf(member: APIInteractionGuildMember): MeetingMember {
  return { userId: member.user.id, roleIds: member.roles, managesGuild: memberManagesGuild(member) };
}

function optionsOf(interaction: { data: { options?: readonly unknown[] } }): APIApplicationCommandInteractionDataBasicOption[] {
  return (interaction.data.options ?? []) as APIApplicationCommandInteractionDataBasicOption[];
}

function text(options: readonly APIApplicationCommandInteractionDataBasicOption[], name: string): string | undefined {
  const option = options.find((o) => o.name === name);
  return option?.type === ApplicationCommandOptionType.String ? option.value : undefined;
}

function integer(options: readonly APIApplicationCommandInteractionDataBasicOption[], name: string): number | undefined {
  const option = options.find((o) => o.name === name);
  return option?.type === ApplicationCommandOptionType.Integer && typeof option.value === 'number' ? option.value : undefined;
}

function describe(meeting: MeetingRecord): string {
  return `**${meeting.title}** (${TYPE_NAMES[meeting.type]}), hosted by <@${meeting.hostUserId}>`;
}

/** The active meeting a typed option names: the id an autocomplete choice carries, or a title. */
function pick(active: readonly MeetingRecord[], typed: string): MeetingRecord | MeetingRecord[] {
  const byId = active.find((m) => m.id === typed);
  if (byId) return byId;
  const needle = typed.trim().toLowerCase();
  const matches = active.filter((m) => m.title.toLowerCase() === needle);
  return matches.length === 1 ? matches[0]! : matches;
}

export function createMeetingsModule(options: MeetingsModuleOptions): HubModule {
  const { service, logger } = options;
  const active = (guildId: string) => service.list(guildId, { status: 'active', limit: SELECT_OPTIONS_MAX });

  async function post(channelId: string, content: string): Promise<string> {
    const message = await options.api().channels.createMessage(channelId, { content: cutText(content, MESSAGE_CONTENT_MAX), allowed_mentions: NO_MENTIONS });
    return message.id;
  }

  async function joinReply(guildId: string, meetingId: string, member: APIInteractionGuildMember): Promise<ReplyInput> {
    const link = await service.joinLink(guildId, meetingId, memberOf(member));
    if (!link.ok) return { content: link.reason, allowed_mentions: NO_MENTIONS };
    return {
      content: `Your link into **${link.meeting.title}** (as ${link.role}): valid ${service.joinLinkMinutes} minutes, only for you. Do not share it; anyone else runs \`/kaltura-join\` themselves.`,
      allowed_mentions: NO_MENTIONS,
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: cutText(`Join ${link.meeting.title}`, BUTTON_LABEL_MAX), url: link.url }],
        },
      ],
    };
  }

  async function start(interaction: APIChatInputApplicationCommandInteraction, guildId: string, member: APIInteractionGuildMember): Promise<ReplyInput> {
    const given = optionsOf(interaction);
    const type = text(given, 'type');
    if (!type || !(MEETING_TYPES as readonly string[]).includes(type)) return `Choose the type: ${MEETING_TYPES.join(', ')}.`;
    const config = await options.guildConfig(guildId);
    const result = await service.start({
      guildId,
      channelId: interaction.channel.id,
      hostUserId: member.user.id,
      type: type as MeetingType,
      title: text(given, 'title') ?? '',
      durationMinutes: integer(given, 'duration') ?? config.meetings.defaultDurationMinutes,
    });
    if (!result.ok) return result.reason;
    const { meeting } = result;
    let announced = '';
    const notification = config.notifications.meetingStarted;
    if (notification.enabled) {
      try {
        const content = renderTemplate(notification.template, { title: meeting.title, type: TYPE_NAMES[meeting.type], host: `<@${meeting.hostUserId}>`, meetingId: meeting.id });
        await service.attachAnnouncement(meeting, await post(meeting.channelId, content));
        announced = ' and announced here';
      } catch (error) {
        logger.warn({ err: error, meeting: meeting.id }, 'could not announce a meeting');
        announced = `, but I could not announce it in <#${meeting.channelId}> (check that I may send messages there)`;
      }
    }
    const join = await joinReply(guildId, meeting.id, member);
    const intro = `Started **${meeting.title}** (${TYPE_NAMES[meeting.type]}) until <t:${unix(meeting.endsAt)}:t>${announced}. Members join with \`/kaltura-join\`; end it with \`/kaltura-end\`.`;
    return typeof join === 'string' ? `${intro}\n${join}` : { ...join, content: `${intro}\n${join.content ?? ''}` };
  }

  async function join(interaction: APIChatInputApplicationCommandInteraction, guildId: string, member: APIInteractionGuildMember): Promise<ReplyInput> {
    const typed = text(optionsOf(interaction), 'meeting');
    const running = await active(guildId);
    if (running.length === 0) return 'No meeting is running in this server right now.';
    if (typed !== undefined) {
      const found = pick(running, typed);
      if (Array.isArray(found)) {
        return { content: found.length === 0 ? `No running meeting matches "${cutText(typed, 100)}"; see \`/kaltura-list\`.` : `Several meetings are called "${cutText(typed, 100)}": pick one from the suggestions.`, allowed_mentions: NO_MENTIONS };
      }
      return joinReply(guildId, found.id, member);
    }
    if (running.length === 1) return joinReply(guildId, running[0]!.id, member);
    return {
      content: 'Several meetings are running: which one do you want to join?',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.StringSelect,
              custom_id: buildCustomId(MEETINGS_MODULE_NAME, 'join'),
              placeholder: 'Choose a meeting',
              options: running.map((m) => ({
                label: cutText(m.title, SELECT_OPTION_LABEL_MAX),
                value: m.id,
                description: cutText(`${TYPE_NAMES[m.type]}, running ${formatDuration(Date.now() - m.startsAt)}`, SELECT_OPTION_DESCRIPTION_MAX),
              })),
            },
          ],
        },
      ],
    };
  }

  async function list(guildId: string): Promise<ReplyInput> {
    const [running, ended] = await Promise.all([service.list(guildId, { status: 'active' }), service.list(guildId, { status: 'ended', limit: ENDED_SHOWN })]);
    if (running.length === 0 && ended.length === 0) return 'No meetings yet: start one with `/kaltura-start`.';
    const lines: string[] = [];
    lines.push(running.length === 0 ? '**Running:** none' : `**Running (${running.length})**`);
    for (const m of running) lines.push(`• ${describe(m)}, started <t:${unix(m.startsAt)}:R>, planned until <t:${unix(m.endsAt)}:t> — \`${m.id}\``);
    if (ended.length > 0) {
      lines.push('', '**Recently ended**');
      for (const m of ended) lines.push(`• ${describe(m)}, ended <t:${unix(m.endedAt ?? m.endsAt)}:R> after ${formatDuration((m.endedAt ?? m.endsAt) - m.startsAt)}`);
    }
    return { content: cutText(lines.join('\n'), MESSAGE_CONTENT_MAX), allowed_mentions: NO_MENTIONS };
  }

  async function end(interaction: APIChatInputApplicationCommandInteraction, guildId: string, member: APIInteractionGuildMember): Promise<ReplyInput> {
    const typed = text(optionsOf(interaction), 'meeting') ?? '';
    // An id names the meeting whatever its state, so that ending an ended one says so.
    let meetingId = (await service.get(guildId, typed))?.id;
    if (!meetingId) {
      const found = pick(await active(guildId), typed);
      if (Array.isArray(found)) {
        return { content: found.length === 0 ? `No running meeting matches "${cutText(typed, 100)}"; see \`/kaltura-list\`.` : `Several meetings are called "${cutText(typed, 100)}": pick one from the suggestions.`, allowed_mentions: NO_MENTIONS };
      }
      meetingId = found.id;
    }
    const result = await service.end(guildId, meetingId, memberOf(member));
    if (!result.ok) return { content: result.reason, allowed_mentions: NO_MENTIONS };
    const { meeting } = result;
    const endedAt = meeting.endedAt ?? Date.now();
    const duration = formatDuration(endedAt - meeting.startsAt);
    const problems: string[] = [];
    const config = await options.guildConfig(guildId);
    if (config.notifications.meetingEnded.enabled) {
      const content = renderTemplate(config.notifications.meetingEnded.template, { title: meeting.title, type: TYPE_NAMES[meeting.type], host: `<@${meeting.hostUserId}>`, duration });
      await post(meeting.channelId, content).catch((error: unknown) => {
        logger.warn({ err: error, meeting: meeting.id }, 'could not post that a meeting ended');
        problems.push(`I could not post in <#${meeting.channelId}>.`);
      });
    }
    if (meeting.announcementMessageId) {
      const content = `📹 ${describe(meeting)}, has ended (<t:${unix(endedAt)}:R>, after ${duration}).`;
      await options
        .api()
        .channels.editMessage(meeting.channelId, meeting.announcementMessageId, { content: cutText(content, MESSAGE_CONTENT_MAX), allowed_mentions: NO_MENTIONS })
        .catch((error: unknown) => {
          logger.warn({ err: error, meeting: meeting.id }, 'could not mark a meeting announcement ended');
          problems.push('I could not update its announcement.');
        });
    }
    return { content: [`Ended **${meeting.title}** after ${duration}.`, ...problems].join(' '), allowed_mentions: NO_MENTIONS };
  }

  return {
    ...MEETINGS_MODULE_DECLARATION,

    async onCommand(interaction, reply) {
      const guildId = interaction.guild_id;
      const member = interaction.member;
      if (!guildId || !member) return reply.replyEphemeral('Meetings live in servers.');
      if (!service.configured) return reply.replyEphemeral(NOT_CONFIGURED_REASON);
      switch (interaction.data.name) {
        case 'kaltura-start':
          return reply.replyEphemeral(await start(interaction, guildId, member));
        case 'kaltura-join':
          return reply.replyEphemeral(await join(interaction, guildId, member));
        case 'kaltura-list':
          return reply.replyEphemeral(await list(guildId));
        case 'kaltura-end':
          return reply.replyEphemeral(await end(interaction, guildId, member));
        default:
          return reply.replyEphemeral('Unknown meetings command.');
      }
    },

    async onComponent(interaction, route, reply) {
      const guildId = interaction.guild_id;
      const member = interaction.member;
      if (!guildId || !member || route.action !== 'join' || interaction.data.component_type !== ComponentType.StringSelect) return reply.replyEphemeral('That menu is not for me.');
      if (!service.configured) return reply.replyEphemeral(NOT_CONFIGURED_REASON);
      const meetingId = interaction.data.values[0];
      if (!meetingId) return reply.replyEphemeral('Choose a meeting.');
      const answer = await joinReply(guildId, meetingId, member);
      // The menu was ephemeral; it becomes the answer.
      return reply.update(typeof answer === 'string' ? { content: answer, components: [] } : { components: [], ...answer });
    },

    async onAutocomplete(interaction, reply) {
      const guildId = interaction.guild_id;
      if (!guildId || !service.configured) return reply.autocomplete([]);
      const focused = optionsOf(interaction).find((o) => 'focused' in o && o.focused);
      const typed = String(focused?.value ?? '').trim().toLowerCase();
      const running = await service.list(guildId, { status: 'active', limit: 100 });
      const choices = running
        .filter((m) => typed === '' || m.title.toLowerCase().includes(typed) || m.id.startsWith(typed))
        .slice(0, COMMAND_CHOICES_MAX)
        .map((m) => ({ name: cutText(`${m.title} (${TYPE_NAMES[m.type]})`, COMMAND_CHOICE_NAME_MAX), value: m.id }));
      return reply.autocomplete(choices);
    },
  };
}
