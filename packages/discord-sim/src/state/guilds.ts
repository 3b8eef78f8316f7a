/** Guilds, their roles, members and bans: the mutations and the payloads Discord sends for them. */
import type { SimGuild, SimMember, SimRole, SimUser } from './entities.ts';
import type { SimulatedState } from './simulated-state.ts';
import { ApiError, ErrorCode, notFound } from '../rest/errors.ts';
import { DEFAULT_EVERYONE_PERMISSIONS } from '../util/permissions.ts';
import { snowflake } from '../util/snowflake.ts';

export function createGuild(state: SimulatedState, input: { name: string; ownerId?: string; id?: string }): SimGuild {
  const id = input.id ?? snowflake();
  const guild: SimGuild = {
    id,
    name: input.name,
    icon: null,
    owner_id: input.ownerId ?? state.application.botUserId,
    description: null,
    preferred_locale: 'en-US',
    features: [],
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    premium_tier: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    created_at: new Date().toISOString(),
    roles: new Map(),
    members: new Map(),
    bans: new Map(),
    events: new Map(),
  };
  guild.roles.set(id, makeRole(id, { name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS, position: 0 }));
  state.guilds.set(id, guild);
  return guild;
}

function makeRole(id: string, input: { name: string; permissions: bigint; position: number; color?: number; hoist?: boolean; mentionable?: boolean }): SimRole {
  const color = input.color ?? 0;
  return {
    id,
    name: input.name,
    color,
    colors: { primary_color: color, secondary_color: null, tertiary_color: null },
    hoist: input.hoist ?? false,
    icon: null,
    unicode_emoji: null,
    position: input.position,
    permissions: input.permissions.toString(),
    managed: false,
    mentionable: input.mentionable ?? false,
    flags: 0,
  };
}

export interface RoleInput {
  name?: string;
  permissions?: bigint;
  color?: number;
  hoist?: boolean;
  mentionable?: boolean;
}

/**
 * Roles created through the API start at the bottom (position 1, above @everyone), as on Discord; roles set up
 * by the control API are stacked upwards in the order given.
 */
export function createRole(state: SimulatedState, guild: SimGuild, input: RoleInput, mode: 'api' | 'setup' = 'api'): SimRole {
  if (mode === 'api') for (const other of guild.roles.values()) if (other.id !== guild.id) other.position++;
  const role = makeRole(snowflake(), {
    name: input.name ?? 'new role',
    permissions: input.permissions ?? 0n,
    position: mode === 'api' ? 1 : guild.roles.size,
    color: input.color,
    hoist: input.hoist,
    mentionable: input.mentionable,
  });
  guild.roles.set(role.id, role);
  if (mode === 'api') state.emit('GUILD_ROLE_CREATE', { guild_id: guild.id, role }, { guildId: guild.id });
  return role;
}

export function updateRole(state: SimulatedState, guild: SimGuild, roleId: string, input: RoleInput): SimRole {
  const role = guild.roles.get(roleId);
  if (!role) throw notFound(ErrorCode.UnknownRole);
  if (input.name !== undefined) role.name = input.name;
  if (input.permissions !== undefined) role.permissions = input.permissions.toString();
  if (input.color !== undefined) {
    role.color = input.color;
    role.colors.primary_color = input.color;
  }
  if (input.hoist !== undefined) role.hoist = input.hoist;
  if (input.mentionable !== undefined) role.mentionable = input.mentionable;
  state.emit('GUILD_ROLE_UPDATE', { guild_id: guild.id, role }, { guildId: guild.id });
  return role;
}

export function deleteRole(state: SimulatedState, guild: SimGuild, roleId: string): void {
  if (!guild.roles.has(roleId) || roleId === guild.id) throw notFound(ErrorCode.UnknownRole);
  guild.roles.delete(roleId);
  for (const member of guild.members.values()) member.roles = member.roles.filter((r) => r !== roleId);
  state.emit('GUILD_ROLE_DELETE', { guild_id: guild.id, role_id: roleId }, { guildId: guild.id });
}

export function addMember(state: SimulatedState, guild: SimGuild, user: SimUser, input: { nick?: string | null; roles?: string[] } = {}, notify = true): SimMember {
  const existing = guild.members.get(user.id);
  if (existing) return existing;
  const member: SimMember = {
    user_id: user.id,
    nick: input.nick ?? null,
    avatar: null,
    banner: null,
    roles: [...(input.roles ?? [])],
    joined_at: new Date().toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
  guild.members.set(user.id, member);
  if (!notify) return member;
  if (user.id === state.application.botUserId) state.emit('GUILD_CREATE', guildCreatePayload(state, guild), { guildId: guild.id });
  else state.emit('GUILD_MEMBER_ADD', { ...state.memberPayload(guild, member), guild_id: guild.id }, { guildId: guild.id });
  return member;
}

export function removeMember(state: SimulatedState, guild: SimGuild, userId: string): void {
  if (!guild.members.delete(userId)) throw notFound(ErrorCode.UnknownMember);
  state.emit('GUILD_MEMBER_REMOVE', { guild_id: guild.id, user: state.requireUser(userId) }, { guildId: guild.id });
}

export interface MemberPatch {
  nick?: string | null;
  roles?: string[];
  communication_disabled_until?: string | null;
}

export function updateMember(state: SimulatedState, guild: SimGuild, userId: string, patch: MemberPatch): SimMember {
  const member = state.requireMember(guild, userId);
  if (patch.roles) {
    for (const roleId of patch.roles) if (!guild.roles.has(roleId)) throw notFound(ErrorCode.UnknownRole);
    member.roles = [...new Set(patch.roles.filter((r) => r !== guild.id))];
  }
  if (patch.nick !== undefined) member.nick = patch.nick;
  if (patch.communication_disabled_until !== undefined) member.communication_disabled_until = patch.communication_disabled_until;
  state.emit('GUILD_MEMBER_UPDATE', { ...state.memberPayload(guild, member), guild_id: guild.id }, { guildId: guild.id });
  return member;
}

export function banUser(state: SimulatedState, guild: SimGuild, userId: string, reason: string | null): void {
  const user = state.requireUser(userId);
  if (userId === guild.owner_id) throw new ApiError(403, ErrorCode.MissingPermissions);
  guild.bans.set(userId, { user_id: userId, reason });
  state.emit('GUILD_BAN_ADD', { guild_id: guild.id, user }, { guildId: guild.id });
  if (guild.members.has(userId)) removeMember(state, guild, userId);
}

export function unbanUser(state: SimulatedState, guild: SimGuild, userId: string): void {
  if (!guild.bans.delete(userId)) throw notFound(ErrorCode.UnknownBan);
  state.emit('GUILD_BAN_REMOVE', { guild_id: guild.id, user: state.requireUser(userId) }, { guildId: guild.id });
}

function guildFields(guild: SimGuild): Record<string, unknown> {
  const { roles, members: _members, bans: _bans, events: _events, created_at: _created, ...fields } = guild;
  return {
    ...fields,
    splash: null,
    discovery_splash: null,
    banner: null,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    application_id: null,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    nsfw_level: 0,
    max_members: 500000,
    max_video_channel_users: 25,
    roles: [...roles.values()],
    emojis: [],
    stickers: [],
  };
}

/** The guild as `GET /guilds/{id}` returns it. */
export function guildPayload(guild: SimGuild, withCounts = false): Record<string, unknown> {
  const payload = guildFields(guild);
  if (withCounts) {
    payload.approximate_member_count = guild.members.size;
    payload.approximate_presence_count = 0;
  }
  return payload;
}

/** The guild as the gateway's GUILD_CREATE carries it: with channels, active threads, members and events. */
export function guildCreatePayload(state: SimulatedState, guild: SimGuild): Record<string, unknown> {
  const bot = guild.members.get(state.application.botUserId);
  return {
    ...guildFields(guild),
    joined_at: bot?.joined_at ?? guild.created_at,
    large: guild.members.size > 250,
    unavailable: false,
    member_count: guild.members.size,
    members: [...guild.members.values()].map((m) => state.memberPayload(guild, m)),
    channels: state.guildChannels(guild.id),
    threads: state.guildThreads(guild.id).filter((t) => !t.thread_metadata?.archived),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [...guild.events.values()],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}
