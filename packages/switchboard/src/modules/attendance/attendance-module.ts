/**
 * Attendance in Discord: `/session create` announces a session with answer buttons; a click is answered
 * ephemerally at once and the session message is brought up to date through the coalescing updater, so a
 * burst of clicks becomes a few edits that always end on the stored answers. A member promoted from the
 * waitlist is told by DM. Reminders and the next occurrence of a recurring session come from the jobs.
 */
import type { API } from '@discordjs/core';
import { ApplicationCommandOptionType, GatewayIntentBits, PermissionFlagsBits, type APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import type { AttendanceSessionRecord } from '../../storage/attendance-repository.ts';
import type { HubModule } from '../hub-module.ts';
import type { AttendanceService, DueReminder } from './attendance-service.ts';
import { CoalescedMessageUpdater, type RenderedMessage } from './discord/coalesced-message-updater.ts';
import { ScheduledEventMirror } from './discord/scheduled-event-mirror.ts';
import { SessionPoster } from './discord/session-poster.ts';
import { answerFromRoute, reminderContent, sessionMessage, type AnswerLabels, type SessionView } from './discord/session-message.ts';
import { SESSION_COMMAND } from './session-commands.ts';
import { instantOf, isValidTimeZone } from './zoned-time.ts';

export const ATTENDANCE_MODULE_NAME = 'attendance';
const DEFAULT_DURATION_MINUTES = 120;

export const ATTENDANCE_MODULE_DECLARATION: HubModule = {
  name: ATTENDANCE_MODULE_NAME,
  description: 'Sessions with attendance buttons, waitlists, reminders and calendar feeds',
  intents: [GatewayIntentBits.Guilds],
  // Manage Events is needed only when sessions are mirrored as scheduled events (ATTENDANCE_SCHEDULED_EVENTS).
  permissions: [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks],
  commands: [SESSION_COMMAND],
};

export type AttendanceModuleOptions = {
  service: AttendanceService;
  api: () => API;
  logger: Logger;
  /** Mirror sessions as guild scheduled events. */
  mirrorScheduledEvents: boolean;
  /** The guild's own button labels (unset ones keep the defaults). */
  labels: (guildId: string) => Promise<Partial<AnswerLabels>>;
  /** Told of every recorded answer (the broker passes answers to sessions an app created on to that app). */
  onAnswered?: (session: AttendanceSessionRecord, answer: { userId: string; answer: string; waitlisted: boolean; counts: Record<string, number> }) => Promise<void>;
};

export type AttendanceModule = HubModule & {
  /** Posts a session's message (and its scheduled event) and records their ids. */
  publish(session: AttendanceSessionRecord): Promise<void>;
  /** Brings a session's message up to date (coalesced). */
  refresh(session: Pick<AttendanceSessionRecord, 'guildId' | 'id'>): void;
  remind(due: DueReminder): Promise<void>;
  /** Tells a member something about a session: by DM, or a mention in the session's channel when DMs are closed. */
  tell(userId: string, channelId: string, content: string): Promise<void>;
};

const keyOf = (guildId: string, sessionId: string) => `${guildId}/${sessionId}`;

/** "2026-11-27 19:30" in a zone → the instant, or undefined when it is not such a date. */
export function parseLocalStart(text: string, zone: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  return instantOf({ year, month, day, hour, minute, second: 0, millisecond: 0 }, zone);
}

export function createAttendanceModule(options: AttendanceModuleOptions): AttendanceModule {
  const { service, logger } = options;
  const poster = () => new SessionPoster({ api: options.api() });
  const mirror = () => new ScheduledEventMirror({ api: options.api() });

  async function viewOf(guildId: string, sessionId: string): Promise<{ session: AttendanceSessionRecord; view: SessionView } | undefined> {
    const found = await service.attendance({ guildId, sessionId });
    if (!found) return undefined;
    const { session, summary } = found;
    const ids = (list: readonly { userId: string }[]) => list.map((r) => r.userId);
    return {
      session,
      view: {
        sessionId: session.id,
        title: session.title,
        description: session.description,
        startsAt: new Date(session.startsAt),
        endsAt: new Date(session.endsAt),
        timezone: session.timezone,
        capacity: session.capacity,
        status: session.status,
        answers: { yes: ids(summary.yes), maybe: ids(summary.maybe), late: ids(summary.late), no: ids(summary.no), waitlist: ids(summary.waitlist) },
        labels: await options.labels(guildId),
      },
    };
  }

  const updater = new CoalescedMessageUpdater({
    api: { channels: { editMessage: (...args) => options.api().channels.editMessage(...args) } },
    logger,
    render: async (key): Promise<RenderedMessage> => {
      const [guildId = '', sessionId = ''] = key.split('/');
      const found = await viewOf(guildId, sessionId);
      if (!found?.session.messageId) return null;
      return { channelId: found.session.channelId, messageId: found.session.messageId, body: sessionMessage(found.view) };
    },
  });

  async function publish(session: AttendanceSessionRecord): Promise<void> {
    const found = await viewOf(session.guildId, session.id);
    if (!found) return;
    const messageId = await poster().post(session.channelId, found.view);
    let calendarEventId: string | null = null;
    if (options.mirrorScheduledEvents) {
      calendarEventId = await mirror()
        .sync({ guildId: session.guildId, channelId: session.channelId }, found.view, null)
        .catch((error: unknown) => {
          logger.warn({ err: error, session: session.id }, 'could not mirror the session as a scheduled event');
          return null;
        });
    }
    await service.attach({ guildId: session.guildId, sessionId: session.id }, { messageId, calendarEventId });
  }

  async function create(interaction: APIChatInputApplicationCommandInteraction, reply: Parameters<NonNullable<HubModule['onCommand']>>[1]) {
    const guildId = interaction.guild_id;
    if (!guildId || !interaction.member) return reply.replyEphemeral('Sessions live in servers.');
    const sub = interaction.data.options?.[0];
    const options_ = sub && 'options' in sub ? (sub.options ?? []) : [];
    const value = (name: string) => options_.find((o) => o.name === name);
    const text = (name: string) => {
      const o = value(name);
      return o && o.type === ApplicationCommandOptionType.String ? o.value : undefined;
    };
    const number = (name: string) => {
      const o = value(name);
      return o && o.type === ApplicationCommandOptionType.Integer ? o.value : undefined;
    };
    const id = (name: string) => {
      const o = value(name);
      return o && (o.type === ApplicationCommandOptionType.Channel || o.type === ApplicationCommandOptionType.Role) ? o.value : undefined;
    };
    const timezone = text('timezone') ?? 'UTC';
    if (!isValidTimeZone(timezone)) return reply.replyEphemeral(`"${timezone}" is not a time zone I know; use an IANA name such as Europe/Berlin.`);
    const startsAt = parseLocalStart(text('start') ?? '', timezone);
    if (startsAt === undefined) return reply.replyEphemeral('Write the start as YYYY-MM-DD HH:MM, for example 2026-12-04 19:30.');
    const everyWeeks = number('every_weeks');
    const role = id('role');
    const created = await service.create({
      guildId,
      channelId: id('channel') ?? interaction.channel.id,
      title: text('title') ?? '',
      description: text('description') ?? '',
      startsAt,
      endsAt: startsAt + (number('duration') ?? DEFAULT_DURATION_MINUTES) * 60_000,
      timezone,
      capacity: number('capacity') ?? null,
      allowedRoleIds: role ? [role] : [],
      recurrence: everyWeeks ? 'weekly' : null,
      intervalWeeks: everyWeeks ?? null,
      createdBy: interaction.member.user.id,
      reminderMinutesBefore: number('reminder') ?? null,
    });
    if (!created.ok) return reply.replyEphemeral(created.reason);
    await reply.defer({ ephemeral: true });
    await publish(created.session);
    await reply.editReply(`Session **${created.session.title}** is announced in <#${created.session.channelId}>.`);
  }

  return {
    ...ATTENDANCE_MODULE_DECLARATION,
    publish,
    refresh: (session) => updater.request(keyOf(session.guildId, session.id)),
    async remind(due) {
      const { session, reminder } = due;
      const content = reminderContent({
        title: session.title,
        startsAt: new Date(session.startsAt),
        ...(session.messageId ? { message: { guildId: session.guildId, channelId: session.channelId, messageId: session.messageId } } : {}),
      });
      await poster().remind(reminder.userId, session.channelId, content);
    },

    async tell(userId, channelId, content) {
      await poster().remind(userId, channelId, content);
    },

    async onCommand(interaction, reply) {
      if (interaction.data.options?.[0]?.name === 'create') return create(interaction, reply);
      return reply.replyEphemeral('Unknown /session subcommand.');
    },

    async onComponent(interaction, route, reply) {
      const parsed = answerFromRoute({ owner: ATTENDANCE_MODULE_NAME, action: route.action, args: route.args });
      const guildId = interaction.guild_id;
      const member = interaction.member;
      if (!parsed || !guildId || !member) return reply.replyEphemeral('That button is not for me.');
      const result = await service.respond({ guildId, sessionId: parsed.sessionId }, { userId: member.user.id, answer: parsed.answer, roleIds: member.roles });
      if (!result.ok) return reply.replyEphemeral(result.reason);
      const waiting = result.summary.waitlist.some((r) => r.userId === member.user.id);
      const said: Record<string, string> = { yes: waiting ? 'The session is full: you are on the waitlist.' : "You're in!", maybe: 'Noted: maybe.', late: 'Noted: you will be late.', no: 'Noted: you are not coming.' };
      await reply.replyEphemeral(said[parsed.answer] ?? 'Noted.');
      updater.request(keyOf(guildId, parsed.sessionId));
      await options
        .onAnswered?.(result.session, { userId: member.user.id, answer: parsed.answer, waitlisted: waiting, counts: result.summary.counts })
        .catch((error: unknown) => logger.warn({ err: error, session: result.session.id }, 'could not pass an answer on'));
      for (const promoted of result.promoted) {
        await poster()
          .remind(promoted.userId, result.session.channelId, `A place opened up: you're in for **${result.session.title}** <t:${Math.floor(result.session.startsAt / 1000)}:R>.`)
          .catch((error: unknown) => logger.warn({ err: error, session: result.session.id }, 'could not tell a member they left the waitlist'));
      }
    },

    async stop() {
      await updater.flush();
      updater.stop();
    },
  };
}
