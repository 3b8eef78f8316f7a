/** The shapes the hub's API answers with (the `data` of each envelope), as the dashboard reads them. */

export type Role = 'admin' | 'viewer' | 'guild-manager';

export type GuildSummary = { id: string; name: string; iconUrl: string | null };

export type Me = {
  user: { id: string; name: string; avatarUrl: string | null } | null;
  kind: 'discord' | 'token';
  role: Role;
  guilds: GuildSummary[];
  csrfToken: string;
};

export type ConnectionState = 'stopped' | 'starting' | 'connecting' | 'ready' | 'resuming' | 'reconnecting' | 'failed';

export type BotStatus = {
  running: boolean;
  connected: boolean;
  ready: boolean;
  state: ConnectionState;
  uptimeSeconds: number;
  guilds: number;
  latencyMs: number | null;
  shards: { id: number; state: ConnectionState; latencyMs: number | null; guilds: number; lastError: string | null }[];
  lastError: string | null;
  startedAt: string | null;
  version: string;
  modules: { name: string; enabled: boolean; reason: string | null }[];
};

export type StatusHistory = {
  intervalSeconds: number;
  points: { at: string; eventsPerSecond: number; deliveryP95Ms: number | null; interactionP95Ms: number | null }[];
};

export type JobOutcome = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'abandoned';

export type Job = {
  name: string;
  intervalMs: number;
  nextRunAt: string;
  runningOn: string | null;
  lastRun: { id: string; instanceId: string; startedAt: string; finishedAt: string | null; durationMs: number | null; outcome: JobOutcome; error: string | null } | null;
};

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_STATUSES = ['open', 'assigned', 'pending', 'closed'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export type Ticket = {
  id: string;
  guildId: string;
  number: number;
  categoryId: string | null;
  title: string;
  description: string;
  priority: TicketPriority;
  status: TicketStatus;
  creatorId: string;
  assigneeId: string | null;
  threadId: string | null;
  channelId: string | null;
  closeReason: string | null;
  closedBy: string | null;
  closedAt: string | null;
  lastActivityAt: string;
  rating: number | null;
  createdAt: string;
  updatedAt: string;
};

export type TicketMessage = {
  id: string;
  discordMessageId: string | null;
  authorId: string;
  authorName: string;
  content: string;
  source: 'discord' | 'api';
  createdAt: string;
};

export type TicketCategory = { id: string; name: string; emoji: string | null; description: string | null };

export type TicketDay = { day: string; opened: number; closed: number };

export type AttendanceAnswer = 'yes' | 'maybe' | 'late' | 'no';

export type AttendanceSession = {
  id: string;
  guildId: string;
  channelId: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  capacity: number | null;
  status: 'scheduled' | 'cancelled';
  createdBy: string;
};

export type AttendanceResponse = { userId: string; answer: AttendanceAnswer; waitlistPosition: number | null; respondedAt: string };

export type AttendanceSummary = {
  yes: AttendanceResponse[];
  waitlist: AttendanceResponse[];
  maybe: AttendanceResponse[];
  late: AttendanceResponse[];
  no: AttendanceResponse[];
  counts: { yes: number; waitlist: number; maybe: number; late: number; no: number };
};

export type SessionStat = { sessionId: string; title: string; startsAt: string; yes: number; maybe: number; late: number; no: number; waitlisted: number };

export const APP_EVENT_TYPES = ['message.create', 'reaction.add', 'reaction.remove', 'interaction.component', 'interaction.modal', 'assistant.message', 'assistant.clear', 'session.response'] as const;

export type AppStatus = 'online' | 'stale' | 'offline';

export type RegisteredApp = {
  id: string;
  name: string;
  callbackUrl: string;
  events: string[];
  guilds: string[];
  status: AppStatus;
  lastHeartbeatAt: string | null;
  endpointDisabled: { at: string; reason: string | null } | null;
  createdAt: string;
};

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'dead';

export type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attemptLog: { attempt: number; startedAt: string; durationMs: number; statusCode: number | null; error: string | null }[];
};

export const STREAM_PLATFORMS = ['twitch', 'youtube', 'kick'] as const;

export type StreamSubscription = {
  id: string;
  channelId: string;
  roleId: string | null;
  platform: (typeof STREAM_PLATFORMS)[number];
  streamer: { id: string; login: string; name: string; url: string };
  status: string;
  statusReason: string | null;
  createdBy: string;
  createdAt: string;
};

export type OAuthStats = {
  active: number;
  used: number;
  burned: number;
  expired: number;
  replaysRefused: number;
  expiredRefused: number;
  successRate: number | null;
  linkedByPlatform: { twitch: number; youtube: number; kick: number; discord: number };
};

export type Meeting = {
  id: string;
  channelId: string;
  title: string;
  type: 'meeting' | 'webinar' | 'classroom';
  hostUserId: string;
  startsAt: string;
  endsAt: string;
  status: 'active' | 'ended';
  createdAt: string;
  endedAt: string | null;
  endedBy: string | null;
};

export type ConfigView = {
  config: Record<string, unknown>;
  file: Record<string, unknown> | null;
  stored: Record<string, unknown>;
  fileProblems: { file: string; path: string; problem: string }[];
};

export type AuditEntry = { id: string; actor: string; source: string; summary: string; before: Record<string, unknown>; after: Record<string, unknown>; at: string };
