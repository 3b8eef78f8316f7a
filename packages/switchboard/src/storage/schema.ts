/**
 * The tables as Kysely sees them. Timestamps are milliseconds since the epoch in `bigint` columns on
 * both dialects (PostgreSQL's int8 is parsed back to a number), so that comparisons and arithmetic are
 * the same everywhere.
 */
export type ApiTokenRole = 'admin' | 'viewer';

export interface ApiTokensTable {
  id: string;
  name: string;
  role: ApiTokenRole;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface JobSchedulesTable {
  name: string;
  interval_ms: number;
  next_run_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

export type JobOutcome = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'abandoned';

export interface JobRunsTable {
  id: string;
  job_name: string;
  instance_id: string;
  started_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  outcome: JobOutcome;
  error: string | null;
}

export interface SchemaMigrationsTable {
  id: string;
  applied_at: number;
}

export interface AppsTable {
  id: string;
  name: string;
  callback_url: string;
  /** JSON: string[] of event types. */
  events: string;
  /** JSON: string[] of guild ids the app may act in. */
  guilds: string;
  /** JSON: string[] of channel ids whose messages the app receives. */
  subscribed_channels: string;
  /** JSON: Record<name, channelId>. */
  channels: string;
  token_hash: string;
  /** Sealed by SecretBox (apps.signing_secret.<id>). */
  signing_secret: string;
  previous_signing_secret: string | null;
  previous_secret_expires_at: number | null;
  last_heartbeat_at: number | null;
  endpoint_disabled_at: number | null;
  endpoint_disabled_reason: string | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface AppMessagesTable {
  message_id: string;
  app_id: string;
  channel_id: string;
  guild_id: string | null;
  created_at: number;
}

export interface GuildAssistantsTable {
  /** A guild id, or `@dm` for direct messages. */
  guild_id: string;
  app_id: string;
  updated_at: number;
}

/** The last successful slash-command registration per scope (`global` or `guild:<id>`). */
export interface CommandRegistrationsTable {
  scope: string;
  application_id: string;
  hash: string;
  command_count: number;
  registered_at: number;
}

export interface Tables {
  command_registrations: CommandRegistrationsTable;
  apps: AppsTable;
  app_messages: AppMessagesTable;
  guild_assistants: GuildAssistantsTable;
  api_tokens: ApiTokensTable;
  job_schedules: JobSchedulesTable;
  job_runs: JobRunsTable;
  schema_migrations: SchemaMigrationsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  assistant_conversations: AssistantConversationsTable;
}

/** An event routed to an app; `id` is also the `webhook-id` of every attempt. */
export interface WebhookEventsTable {
  id: string;
  app_id: string;
  type: string;
  guild_id: string | null;
  /** JSON text: the event's `data`. */
  payload: string;
  created_at: number;
}

/**
 * `pending`: waiting for its first attempt (or a redelivery); `delivering`: leased by a worker;
 * `delivered`: a 2xx came back; `failed`: the last attempt failed and another is due at `next_attempt_at`;
 * `dead`: no attempt left (or the endpoint answered 410 Gone).
 */
export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'dead';

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  app_id: string;
  status: WebhookDeliveryStatus;
  /** Attempts since the delivery was (re)queued; the retry schedule counts these. */
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  /** 1, 2, … over the delivery's whole life, redeliveries included. */
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

/** The user's current assistant conversation in a channel on a UTC day, once `/clear` has moved past the first. */
export interface AssistantConversationsTable {
  user_id: string;
  channel_id: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** 2 after the first clear of the day, then 3, …; no row means 1. */
  generation: number;
  updated_at: number;
}

// ---- Support tickets (migration 0006) ----
// Merged into `Tables` by declaration merging, so that modules append their tables here without
// editing a line another module's change may also touch.

export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';

/** `open`: in the queue, nobody has it; `assigned`: a staff member has it; `pending`: waiting on the requester. */
export type TicketStatus = 'open' | 'assigned' | 'pending' | 'closed';

export type TicketMessageSource = 'discord' | 'api';

export interface TicketCategoriesTable {
  id: string;
  guild_id: string;
  name: string;
  emoji: string | null;
  description: string | null;
  /** JSON: string[] of role ids whose members handle the category's tickets. */
  staff_role_ids: string;
  /** JSON: string[] of role ids mentioned when a ticket opens. */
  ping_role_ids: string;
  /** The channel the category's ticket threads live in, by name (the Discord side finds or creates it). */
  channel_name: string | null;
  created_at: number;
}

export interface TicketsTable {
  id: string;
  guild_id: string;
  /** 1, 2, … per guild, from `ticket_guild_counters`. */
  number: number;
  category_id: string | null;
  title: string;
  description: string;
  priority: TicketPriority;
  status: TicketStatus;
  creator_id: string;
  assignee_id: string | null;
  thread_id: string | null;
  channel_id: string | null;
  close_reason: string | null;
  closed_by: string | null;
  closed_at: number | null;
  last_activity_at: number;
  /** When the inactivity warning went out; cleared by any new activity. */
  warned_at: number | null;
  /** 1–5, given once by the creator after closing. */
  rating: number | null;
  created_at: number;
  updated_at: number;
}

export interface TicketMessagesTable {
  id: string;
  ticket_id: string;
  /** Set for messages seen in the ticket's thread; unique, so a redelivered gateway event is stored once. */
  discord_message_id: string | null;
  author_id: string;
  author_name: string;
  content: string;
  source: TicketMessageSource;
  created_at: number;
}

export interface TicketTranscriptsTable {
  ticket_id: string;
  text: string;
  html: string;
  created_at: number;
}

export interface TicketGuildCountersTable {
  guild_id: string;
  /** The number the next ticket of the guild gets. */
  next_number: number;
}

export interface TicketBlocklistTable {
  guild_id: string;
  user_id: string;
  reason: string | null;
  created_at: number;
}

export interface TicketWarningsTable {
  id: string;
  guild_id: string;
  user_id: string;
  staff_id: string;
  reason: string;
  created_at: number;
}

export interface Tables {
  ticket_categories: TicketCategoriesTable;
  tickets: TicketsTable;
  ticket_messages: TicketMessagesTable;
  ticket_transcripts: TicketTranscriptsTable;
  ticket_guild_counters: TicketGuildCountersTable;
  ticket_blocklist: TicketBlocklistTable;
  ticket_warnings: TicketWarningsTable;
}

export type AttendanceAnswer = 'yes' | 'maybe' | 'late' | 'no';

export type AttendanceSessionStatus = 'scheduled' | 'cancelled';

export type AttendanceRecurrence = 'weekly';

export interface AttendanceSessionsTable {
  id: string;
  guild_id: string;
  channel_id: string;
  /** The session's message in Discord, once posted. */
  message_id: string | null;
  title: string;
  description: string;
  starts_at: number;
  ends_at: number;
  /** IANA zone the session is planned in: the next occurrence keeps the same local time in it. */
  timezone: string;
  /** At most this many Yes; further Yes wait in line. Null: no limit. */
  capacity: number | null;
  /** JSON array of role ids allowed to answer; empty: everyone. */
  allowed_role_ids: string;
  recurrence: AttendanceRecurrence | null;
  /** With `weekly`: every this many weeks. */
  interval_weeks: number | null;
  /** Shared by the occurrences of one series (the first occurrence's id). */
  series_id: string;
  /** 0, 1, … within the series; unique with `series_id`. */
  occurrence_index: number;
  status: AttendanceSessionStatus;
  created_by: string;
  /** The broker app that created it, if one did. */
  app_id: string | null;
  reminder_minutes_before: number | null;
  calendar_event_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttendanceResponsesTable {
  session_id: string;
  user_id: string;
  answer: AttendanceAnswer;
  /** Set for a Yes waiting for a place: the smaller, the sooner. Null otherwise. */
  waitlist_position: number | null;
  responded_at: number;
}

export interface AttendanceRemindersTable {
  session_id: string;
  user_id: string;
  due_at: number;
  /** Set when claimed for sending; a reminder is claimed once. */
  sent_at: number | null;
}

export interface Tables {
  attendance_sessions: AttendanceSessionsTable;
  attendance_responses: AttendanceResponsesTable;
  attendance_reminders: AttendanceRemindersTable;
}

// ---- Account linking: OAuth sessions (migration 0009) ----

export type OAuthPlatform = 'twitch' | 'youtube' | 'kick' | 'discord';

/** Why a session was burned without linking anything. */
export type OAuthSessionFailure = 'wrong_browser' | 'wrong_platform';

/** One OAuth flow a member started; only hashes of the state and the browser binding are kept. */
export interface OAuthSessionsTable {
  id: string;
  /** SHA-256 (hex) of the state; unique. */
  state_hash: string;
  /** SHA-256 (hex) of the `__Host-` cookie value that binds the flow to one browser. */
  browser_binding_hash: string;
  discord_user_id: string;
  platform: OAuthPlatform;
  /** The PKCE verifier sealed with the SecretBox at (oauth_sessions, code_verifier, id); null without PKCE. */
  code_verifier: string | null;
  ip_address: string;
  user_agent: string;
  created_at: number;
  expires_at: number;
  /** Set once, by the callback that consumed (or burned) the session. */
  used_at: number | null;
  used_ip_address: string | null;
  /** Null when consumed successfully; why it was burned otherwise. */
  failure: OAuthSessionFailure | null;
  /** Callbacks refused because the session had already been used. */
  refused_replays: number;
  /** Callbacks refused because the session had expired unused. */
  refused_expired: number;
}

export interface Tables {
  oauth_sessions: OAuthSessionsTable;
}

// ---- Account linking: linked connections (migration 0010) ----

/** One linked account of a member on one platform; unique per (discord_user_id, platform). */
export interface LinkedConnectionsTable {
  id: string;
  discord_user_id: string;
  platform: OAuthPlatform;
  platform_user_id: string;
  platform_username: string;
  /** Sealed with the SecretBox at (linked_connections, access_token, id). */
  access_token: string;
  /** Sealed at (linked_connections, refresh_token, id); null when the provider issued none. */
  refresh_token: string | null;
  /** JSON array of the granted scopes. */
  scopes: string;
  expires_at: number | null;
  /** Set when the provider answered `invalid_grant`: the member must link again. */
  needs_relink_at: number | null;
  /** Set once, when the member was told to link again. */
  relink_notified_at: number | null;
  /** Failed refreshes in a row (reset by a success or a new link). */
  refresh_failures: number;
  /** No refresh before this: an instance's claim while it refreshes, or the back-off after a failure. */
  next_refresh_attempt_at: number | null;
  last_refreshed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface Tables {
  linked_connections: LinkedConnectionsTable;
}

// ---- Account linking: one-time links (migration 0011) ----

/** A one-time link `/link` handed a member; only the SHA-256 of its token is kept. */
export interface LinkInvitationsTable {
  id: string;
  /** SHA-256 (hex) of the link's token; unique. */
  token_hash: string;
  discord_user_id: string;
  platform: OAuthPlatform;
  created_at: number;
  expires_at: number;
  /** Set once, by the request that redeemed the link. */
  used_at: number | null;
}

export interface Tables {
  link_invitations: LinkInvitationsTable;
}

// ---- Go-live notifications (migration 0012) ----

export type StreamPlatform = 'twitch' | 'youtube' | 'kick';

/** pending: asked the platform, not confirmed yet; polling: no webhook, the poll job watches it. */
export type StreamWatchStatus = 'pending' | 'active' | 'revoked' | 'failed' | 'polling';

/** The platform-side subscription for one streamer, shared by every guild watching them. */
export interface StreamWatchesTable {
  id: string;
  platform: StreamPlatform;
  streamer_id: string;
  streamer_login: string;
  streamer_name: string;
  streamer_url: string;
  /** JSON array of the platform's subscription ids (to delete them later). */
  external_ids: string;
  status: StreamWatchStatus;
  status_reason: string | null;
  /** YouTube WebSub: when the lease ends unless renewed. */
  lease_expires_at: number | null;
  /** The webhook signing secret (Twitch, YouTube), sealed at (stream_watches, webhook_secret, id). */
  webhook_secret: string;
  created_at: number;
  updated_at: number;
}

/** A guild's wish to hear about a streamer in a channel (optionally mentioning a role). */
export interface StreamSubscriptionsTable {
  id: string;
  guild_id: string;
  channel_id: string;
  role_id: string | null;
  watch_id: string;
  created_by: string;
  created_at: number;
}

/** One post per subscription and stream; unique (subscription_id, stream_id). */
export interface StreamAnnouncementsTable {
  id: string;
  subscription_id: string;
  stream_id: string;
  channel_id: string;
  message_id: string | null;
  title: string;
  started_at: number;
  ended_at: number | null;
  created_at: number;
}

/** Webhook message ids seen recently, per platform. */
export interface StreamWebhookMessagesTable {
  platform: StreamPlatform;
  message_id: string;
  received_at: number;
}

export interface Tables {
  stream_watches: StreamWatchesTable;
  stream_subscriptions: StreamSubscriptionsTable;
  stream_announcements: StreamAnnouncementsTable;
  stream_webhook_messages: StreamWebhookMessagesTable;
}

/** A guild's stored configuration overrides: one minimal JSON document, versioned for optimistic updates. */
export interface GuildConfigOverridesTable {
  guild_id: string;
  overrides: string;
  version: number;
  updated_at: number;
  updated_by: string;
}

/** The last valid override file per guild, what the guild falls back to when its file breaks. */
export interface GuildConfigFilesTable {
  guild_id: string;
  overrides: string;
  file_hash: string;
  loaded_at: number;
}

export type GuildConfigChangeSource = 'command' | 'api' | 'dashboard' | 'file';

/** Every change to a guild's configuration: who, when, what, before → after (the stored overrides). */
export interface GuildConfigAuditTable {
  id: string;
  guild_id: string;
  actor: string;
  source: GuildConfigChangeSource;
  summary: string;
  before: string;
  after: string;
  at: number;
}

export interface Tables {
  guild_config_overrides: GuildConfigOverridesTable;
  guild_config_files: GuildConfigFilesTable;
  guild_config_audit: GuildConfigAuditTable;
}

// ---- Meetings (migration 0014) ----

export type MeetingType = 'meeting' | 'webinar' | 'classroom';

export type MeetingStatus = 'active' | 'ended';

/** A Kaltura Meetings room started from Discord: the room (a schedule resource) and its schedule event. */
export interface MeetingsTable {
  id: string;
  guild_id: string;
  channel_id: string;
  title: string;
  type: MeetingType;
  host_user_id: string;
  kaltura_resource_id: number;
  kaltura_event_id: number;
  starts_at: number;
  ends_at: number;
  status: MeetingStatus;
  announcement_message_id: string | null;
  created_at: number;
  ended_at: number | null;
  ended_by: string | null;
}

export interface Tables {
  meetings: MeetingsTable;
}

// ---- Dashboard sign-in (migration 0015) ----

/** How a dashboard session was opened: "Sign in with Discord", or an operator API token. */
export type DashboardSessionKind = 'discord' | 'token';

/** admin and viewer act like tokens of that role; guild-manager reaches only the guilds in `guild_ids`. */
export type DashboardRole = 'admin' | 'viewer' | 'guild-manager';

export interface DashboardSessionsTable {
  id: string;
  /** SHA-256 (hex) of the session cookie's value; unique. */
  token_hash: string;
  kind: DashboardSessionKind;
  /** The Discord user, for a Discord sign-in. */
  user_id: string | null;
  user_name: string;
  avatar_url: string | null;
  role: DashboardRole;
  /** JSON: string[] of the guild ids a guild manager may reach. */
  guild_ids: string;
  /** The operator token a token sign-in was made with. */
  api_token_id: string | null;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface Tables {
  dashboard_sessions: DashboardSessionsTable;
}
