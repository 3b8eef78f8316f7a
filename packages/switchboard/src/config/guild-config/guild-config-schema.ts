/**
 * One guild's configuration, for every module, as one zod schema with the built-in defaults. Overrides
 * (a file in git, or stored through commands, the API and the dashboard) are partial objects laid over
 * the defaults; the merged result must pass this schema. Every object is strict, so a misspelt setting
 * is an error naming the settings that exist rather than a value silently ignored.
 */
import { BUTTON_LABEL_MAX } from 'discord-limits';
import { z } from 'zod';
import { checkTemplate } from './template.ts';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
const roleList = z.array(snowflake).max(50, 'may list at most 50 roles');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isLocale(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1 && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value);
  } catch {
    return false;
  }
}

/** The placeholders each notification's template may use. */
export const NOTIFICATION_PLACEHOLDERS = {
  meetingStarted: ['title', 'type', 'host', 'meetingId'],
  meetingEnded: ['title', 'type', 'host', 'duration'],
} as const satisfies Record<string, readonly string[]>;

export type NotificationType = keyof typeof NOTIFICATION_PLACEHOLDERS;

const notification = (placeholders: readonly string[]) =>
  z.strictObject({
    enabled: z.boolean(),
    template: z
      .string()
      .min(1, 'must not be empty')
      .max(1500, 'must be at most 1500 characters')
      .superRefine((value, context) => {
        const check = checkTemplate(value, placeholders);
        if (!check.ok) context.addIssue({ code: 'custom', message: check.problem });
      }),
  });

/** A ticket category's fields, as the configuration and the ticket API both check them. */
export const TICKET_CATEGORY_FIELDS = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  emoji: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').nullable(),
  description: z.string().trim().max(1000, 'must be at most 1000 characters').nullable(),
  staffRoleIds: z.array(snowflake).max(25, 'may list at most 25 roles'),
  pingRoleIds: z.array(snowflake).max(25, 'may list at most 25 roles'),
  channelName: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'must be 1–100 lower-case letters, digits, - or _').nullable(),
};

const configuredCategory = z.strictObject({
  name: TICKET_CATEGORY_FIELDS.name,
  emoji: TICKET_CATEGORY_FIELDS.emoji.optional(),
  description: TICKET_CATEGORY_FIELDS.description.optional(),
  staffRoleIds: TICKET_CATEGORY_FIELDS.staffRoleIds.optional(),
  pingRoleIds: TICKET_CATEGORY_FIELDS.pingRoleIds.optional(),
  channelName: TICKET_CATEGORY_FIELDS.channelName.optional(),
});

export type ConfiguredTicketCategory = z.infer<typeof configuredCategory>;

const label = z.string().trim().min(1, 'must not be empty').max(BUTTON_LABEL_MAX, `must be at most ${BUTTON_LABEL_MAX} characters`);

export const guildConfigSchema = z.strictObject({
  locale: z.string().refine(isLocale, 'must be a language tag such as en-US, en-GB or de'),
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin, America/New_York or UTC'),
  modules: z.strictObject({
    tickets: z.boolean(),
    attendance: z.boolean(),
    meetings: z.boolean(),
    linking: z.boolean(),
    streams: z.boolean(),
  }),
  commands: z.strictObject({
    /** Slash commands (top-level names) switched off in this guild. */
    disabled: z.array(z.string().regex(/^[-_a-z0-9]{1,32}$/, 'must be a command name such as session or kaltura-start')).max(100, 'may list at most 100 commands'),
  }),
  notifications: z.strictObject({
    meetingStarted: notification(NOTIFICATION_PLACEHOLDERS.meetingStarted),
    meetingEnded: notification(NOTIFICATION_PLACEHOLDERS.meetingEnded),
  }),
  roleMappings: z.strictObject({
    /** Members with one of these roles join meetings as moderators. */
    meetingModerators: roleList,
    /** When not empty, only members with one of these roles (or a moderator role) may join meetings. */
    meetingParticipants: roleList,
    /** Staff in every ticket of the guild, besides each category's own staff roles. */
    ticketStaff: roleList,
    /** Members with one of these roles may sign in to the dashboard for this guild, besides those with Manage Server. */
    dashboard: roleList,
  }),
  tickets: z.strictObject({
    /**
     * Categories the guild keeps in its configuration (an override file in git, say): each is made to
     * exist with these settings, matched by name. Categories added with /ticket category stay as they are.
     */
    categories: z
      .array(configuredCategory)
      .max(25, 'may list at most 25 categories')
      .refine((list) => new Set(list.map((c) => c.name.toLowerCase())).size === list.length, 'must not name a category twice'),
  }),
  meetings: z.strictObject({
    defaultDurationMinutes: z.number().int('must be a whole number').min(5, 'must be at least 5').max(1440, 'must be at most 1440'),
  }),
  attendance: z.strictObject({
    labels: z.strictObject({ yes: label, maybe: label, late: label, no: label }),
  }),
  rateLimits: z.strictObject({
    /** Commands and button clicks one member may make per minute in this guild. */
    commandsPerMinute: z.number().int('must be a whole number').min(1, 'must be at least 1').max(600, 'must be at most 600'),
  }),
});

export type GuildConfig = z.infer<typeof guildConfigSchema>;

export const DEFAULT_GUILD_CONFIG: GuildConfig = {
  locale: 'en-US',
  timezone: 'UTC',
  modules: { tickets: true, attendance: true, meetings: true, linking: true, streams: true },
  commands: { disabled: [] },
  notifications: {
    meetingStarted: { enabled: true, template: '📹 **{title}** ({type}) has started, hosted by {host}. Use `/kaltura-join` to join.' },
    meetingEnded: { enabled: true, template: '**{title}** has ended after {duration}.' },
  },
  roleMappings: { meetingModerators: [], meetingParticipants: [], ticketStaff: [], dashboard: [] },
  tickets: { categories: [] },
  meetings: { defaultDurationMinutes: 60 },
  attendance: { labels: { yes: 'Yes', maybe: 'Maybe', late: 'Late', no: 'No' } },
  rateLimits: { commandsPerMinute: 20 },
};

/** The top-level sections, for `/config view [section]`. */
export const GUILD_CONFIG_SECTIONS = Object.keys(DEFAULT_GUILD_CONFIG) as (keyof GuildConfig)[];
