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
