/** Control API for the world itself: guilds (with channels, roles and members), users and memberships. */
import { ApiError, ErrorCode } from '../rest/errors.ts';
import { createChannel } from '../state/channels.ts';
import { ChannelKind } from '../state/entities.ts';
import type { SimGuild, SimRole } from '../state/entities.ts';
import { addMember, createGuild, createRole, guildCreatePayload, guildPayload, removeMember } from '../state/guilds.ts';
import type { SimulatedState } from '../state/simulated-state.ts';
import { threadMembers } from '../state/threads.ts';
import { parsePermissions, permissionBits, Permission } from '../util/permissions.ts';
import type { Overwrite, PermissionName } from '../util/permissions.ts';
import { num, str } from './control-types.ts';
import type { ControlContext, ControlRouter } from './control-types.ts';

type Json = Record<string, unknown>;

/** Permissions given as a bit string, a number, or a list of names like `["ManageThreads"]`. */
export function readPermissions(value: unknown): bigint {
  if (Array.isArray(value)) {
    const unknown = value.filter((v) => typeof v !== 'string' || !(v in Permission));
    if (unknown.length > 0) throw new ApiError(400, ErrorCode.General, `Unknown permission names: ${unknown.join(', ')}`);
    return permissionBits(value as PermissionName[]);
  }
  return parsePermissions(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : [];
}

export function createUser(state: SimulatedState, body: Json) {
  const username = str(body.username);
  if (!username) throw new ApiError(400, ErrorCode.General, 'username is required');
  const user = state.addUser({ username, global_name: str(body.global_name) ?? null, bot: body.bot === true, id: str(body.id) });
  if (body.dmsClosed === true) state.dmsClosed.add(user.id);
  return user;
}

function resolveRoles(guild: SimGuild, names: unknown): string[] {
  if (!Array.isArray(names)) return [];
  return names.map((n) => {
    const key = String(n);
    const role = guild.roles.get(key) ?? [...guild.roles.values()].find((r) => r.name === key);
    if (!role) throw new ApiError(400, ErrorCode.General, `Unknown role ${key}`);
    return role.id;
  });
}

/** What the bot's own role grants when a guild spec does not say: enough to do its work, without Administrator. */
export const DEFAULT_BOT_PERMISSIONS: PermissionName[] = [
  'ViewChannel',
  'SendMessages',
  'ManageChannels',
  'ManageThreads',
  'CreatePrivateThreads',
  'CreatePublicThreads',
  'SendMessagesInThreads',
  'ManageMessages',
  'EmbedLinks',
  'ReadMessageHistory',
  'AddReactions',
  'BanMembers',
  'ModerateMembers',
  'ManageEvents',
  'ManageRoles',
];

/**
 * Builds a guild in one go and announces it with a single GUILD_CREATE, as if the bot had just joined. The owner
 * is a human (the first member, or a generated one) so that the bot's permissions come from its roles.
 */
export function createGuildFromSpec(state: SimulatedState, body: Json) {
  const name = str(body.name);
  if (!name) throw new ApiError(400, ErrorCode.General, 'name is required');
  const memberSpecs = list(body.members);
  const users = memberSpecs.map((spec) => (str(spec.userId) ? state.requireUser(String(spec.userId)) : createUser(state, spec)));
  const ownerId = str(body.ownerId) ?? users[0]?.id ?? state.addUser({ username: `${name.toLowerCase().replace(/\W+/g, '-')}-owner` }).id;
  const guild = createGuild(state, { name, ownerId });
  const roles: Record<string, string> = { '@everyone': guild.id };
  for (const spec of list(body.roles)) {
    const role: SimRole = createRole(state, guild, { name: str(spec.name) ?? 'role', permissions: readPermissions(spec.permissions ?? []), color: num(spec.color), hoist: spec.hoist === true, mentionable: spec.mentionable === true }, 'setup');
    roles[role.name] = role.id;
  }
  const channels: Record<string, string> = {};
  const categories = list(body.channels).filter((c) => c.type === ChannelKind.GuildCategory || c.type === 'category');
  const others = list(body.channels).filter((c) => !categories.includes(c));
  for (const spec of [...categories, ...others]) {
    const type = spec.type === 'category' ? ChannelKind.GuildCategory : num(spec.type) ?? ChannelKind.GuildText;
    const parent = str(spec.parent);
    const parentId = parent ? channels[parent] ?? parent : null;
    const overwrites = Array.isArray(spec.permission_overwrites) ? (spec.permission_overwrites as Overwrite[]) : [];
    const channel = createChannel(state, guild, { name: str(spec.name) ?? 'channel', type, parent_id: parentId, topic: str(spec.topic) ?? null, permission_overwrites: overwrites }, false);
    channels[channel.name ?? channel.id] = channel.id;
  }
  const members: Record<string, string> = {};
  memberSpecs.forEach((spec, i) => {
    const user = users[i];
    if (!user) return;
    addMember(state, guild, user, { nick: str(spec.nick) ?? null, roles: resolveRoles(guild, spec.roles) }, false);
    members[user.username] = user.id;
  });
  if (!guild.members.has(ownerId)) addMember(state, guild, state.requireUser(ownerId), {}, false);
  if (body.botMember !== false) {
    const botRole = createRole(state, guild, { name: str(body.botRoleName) ?? state.application.name, permissions: readPermissions(body.botPermissions ?? DEFAULT_BOT_PERMISSIONS) }, 'setup');
    botRole.managed = true;
    botRole.tags = { bot_id: state.application.botUserId };
    roles[botRole.name] = botRole.id;
    addMember(state, guild, state.botUser, { roles: [botRole.id, ...resolveRoles(guild, body.botRoles)] }, false);
    state.emit('GUILD_CREATE', guildCreatePayload(state, guild), { guildId: guild.id });
  }
  return { guildId: guild.id, everyoneRoleId: guild.id, ownerId, roles, channels, members };
}

/** The whole guild as the control API shows it: with members, channels, threads (flags spelled out) and bans. */
export function guildSnapshot(state: SimulatedState, guild: SimGuild) {
  return {
    ...guildPayload(guild),
    members: [...guild.members.values()].map((m) => state.memberPayload(guild, m)),
    channels: state.guildChannels(guild.id),
    threads: state.guildThreads(guild.id).map((t) => ({
      ...t,
      archived: t.thread_metadata?.archived ?? false,
      locked: t.thread_metadata?.locked ?? false,
      members: threadMembers(state, t.id).map((m) => m.user_id),
    })),
    bans: [...guild.bans.values()],
    scheduled_events: [...guild.events.values()],
  };
}

export function registerGuildControl(router: ControlRouter): void {
  router.add('GET', '/guilds', (ctx: ControlContext) =>
    [...ctx.sim.state.guilds.values()].map((g) => ({ id: g.id, name: g.name, memberCount: g.members.size, botMember: g.members.has(ctx.sim.state.application.botUserId) })),
  );
  router.add('POST', '/guilds', (ctx) => createGuildFromSpec(ctx.sim.state, ctx.body));
  router.add('GET', '/guilds/:guildId', (ctx) => guildSnapshot(ctx.sim.state, ctx.sim.state.requireGuild(ctx.params.guildId ?? '')));

  router.add('POST', '/guilds/:guildId/members', (ctx) => {
    const state = ctx.sim.state;
    const guild = state.requireGuild(ctx.params.guildId ?? '');
    const user = str(ctx.body.userId) ? state.requireUser(String(ctx.body.userId)) : createUser(state, ctx.body);
    return state.memberPayload(guild, addMember(state, guild, user, { nick: str(ctx.body.nick) ?? null, roles: resolveRoles(guild, ctx.body.roles) }));
  });
  router.add('DELETE', '/guilds/:guildId/members/:userId', (ctx) => {
    removeMember(ctx.sim.state, ctx.sim.state.requireGuild(ctx.params.guildId ?? ''), ctx.params.userId ?? '');
    return { ok: true };
  });

  router.add('GET', '/users', (ctx) => [...ctx.sim.state.users.values()].map((u) => ({ ...u, dmsClosed: ctx.sim.state.dmsClosed.has(u.id) })));
  router.add('POST', '/users', (ctx) => createUser(ctx.sim.state, ctx.body));
  router.add('PATCH', '/users/:userId', (ctx) => {
    const state = ctx.sim.state;
    const user = state.requireUser(ctx.params.userId ?? '');
    if (typeof ctx.body.dmsClosed === 'boolean') {
      if (ctx.body.dmsClosed) state.dmsClosed.add(user.id);
      else state.dmsClosed.delete(user.id);
    }
    if (str(ctx.body.global_name)) user.global_name = String(ctx.body.global_name);
    return { ...user, dmsClosed: state.dmsClosed.has(user.id) };
  });
}
