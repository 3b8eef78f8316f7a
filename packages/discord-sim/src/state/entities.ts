/**
 * The shapes the simulator keeps. Fields use Discord's snake_case names so that records can be sent as they are;
 * anything that must not reach a client lives outside these objects.
 */
import type { Overwrite } from '../util/permissions.ts';

export interface SimUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
  flags: number;
}

export interface SimRole {
  id: string;
  name: string;
  color: number;
  colors: { primary_color: number; secondary_color: number | null; tertiary_color: number | null };
  hoist: boolean;
  icon: string | null;
  unicode_emoji: string | null;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id?: string };
}

export interface SimMember {
  user_id: string;
  nick: string | null;
  avatar: string | null;
  banner: string | null;
  roles: string[];
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: string | null;
}

export interface ThreadMetadata {
  archived: boolean;
  auto_archive_duration: number;
  archive_timestamp: string;
  locked: boolean;
  invitable?: boolean;
  create_timestamp: string;
}

/** Channel types the simulator models. */
export const ChannelKind = {
  GuildText: 0,
  DM: 1,
  GuildVoice: 2,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildForum: 15,
} as const;

export function isThreadType(type: number): boolean {
  return type === ChannelKind.PublicThread || type === ChannelKind.PrivateThread || type === ChannelKind.AnnouncementThread;
}

export interface SimChannel {
  id: string;
  type: number;
  guild_id?: string;
  name?: string;
  position?: number;
  parent_id?: string | null;
  permission_overwrites?: Overwrite[];
  topic?: string | null;
  nsfw?: boolean;
  last_message_id: string | null;
  rate_limit_per_user?: number;
  flags: number;
  recipients?: SimUser[];
  owner_id?: string;
  thread_metadata?: ThreadMetadata;
  member_count?: number;
  message_count?: number;
  total_message_sent?: number;
  applied_tags?: string[];
}

export interface ThreadMember {
  id: string;
  user_id: string;
  join_timestamp: string;
  flags: number;
}

export interface SimEmbed {
  [key: string]: unknown;
}

export interface SimMessage {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: SimUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: SimUser[];
  mention_roles: string[];
  attachments: unknown[];
  embeds: SimEmbed[];
  components: unknown[];
  pinned: boolean;
  flags: number;
  webhook_id?: string;
  application_id?: string;
  message_reference?: { type?: number; message_id?: string; channel_id?: string; guild_id?: string };
  interaction_metadata?: Record<string, unknown>;
  position?: number;
  nonce?: string | number;
}

export interface ReactionEntry {
  emoji: { id: string | null; name: string | null; animated?: boolean };
  users: Set<string>;
}

/** A message and the reactions on it (kept apart because `reactions.me` depends on who asks). */
export interface MessageRecord {
  message: SimMessage;
  reactions: Map<string, ReactionEntry>;
}

export interface SimScheduledEvent {
  id: string;
  guild_id: string;
  channel_id: string | null;
  creator_id: string;
  name: string;
  description: string | null;
  scheduled_start_time: string;
  scheduled_end_time: string | null;
  privacy_level: number;
  status: number;
  entity_type: number;
  entity_id: string | null;
  entity_metadata: { location?: string } | null;
  user_count: number;
  image: string | null;
}

export interface SimBan {
  user_id: string;
  reason: string | null;
}

export interface SimGuild {
  id: string;
  name: string;
  icon: string | null;
  owner_id: string;
  description: string | null;
  preferred_locale: string;
  features: string[];
  verification_level: number;
  default_message_notifications: number;
  explicit_content_filter: number;
  mfa_level: number;
  premium_tier: number;
  system_channel_id: string | null;
  system_channel_flags: number;
  created_at: string;
  roles: Map<string, SimRole>;
  members: Map<string, SimMember>;
  bans: Map<string, SimBan>;
  events: Map<string, SimScheduledEvent>;
}

export interface SimCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: number;
  name: string;
  description: string;
  options?: CommandOption[];
  default_member_permissions: string | null;
  dm_permission?: boolean;
  contexts?: number[] | null;
  integration_types?: number[];
  nsfw: boolean;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

export interface CommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: CommandOption[];
  channel_types?: number[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  autocomplete?: boolean;
}

export interface SimApplication {
  id: string;
  name: string;
  token: string;
  botUserId: string;
  flags: number;
  /** The identify concurrency `/gateway/bot` reports. */
  maxConcurrency: number;
}
