/** Guild members and bans: `/guilds/{id}/members…` and `/guilds/{id}/bans…`. */
import { NICKNAME_MAX } from 'discord-limits';
import { ApiError, ErrorCode, FormErrorCollector, notFound } from '../errors.ts';
import { requireAboveMember, requireAboveRole, requireGuildPermission } from '../guards.ts';
import { noContent, param } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import { guildOf } from './guilds.ts';
import { banUser, removeMember, unbanUser, updateMember } from '../../state/guilds.ts';
import type { MemberPatch } from '../../state/guilds.ts';
import { Permission } from '../../util/permissions.ts';
import { compareSnowflakes } from '../../util/snowflake.ts';

function targetId(ctx: RouteContext): string {
  const id = param(ctx, 'userId');
  return id === '@me' ? ctx.sim.state.application.botUserId : id;
}

function readMemberPatch(ctx: RouteContext): MemberPatch {
  const body = ctx.body;
  const errors = new FormErrorCollector();
  const patch: MemberPatch = {};
  if (body.nick !== undefined) {
    if (body.nick !== null && (typeof body.nick !== 'string' || body.nick.length > NICKNAME_MAX)) errors.maxLength(['nick'], NICKNAME_MAX);
    else patch.nick = body.nick === '' ? null : (body.nick as string | null);
  }
  if (body.roles !== undefined) patch.roles = Array.isArray(body.roles) ? body.roles.map(String) : [];
  if (body.communication_disabled_until !== undefined) {
    const until = body.communication_disabled_until;
    const time = typeof until === 'string' ? Date.parse(until) : NaN;
    if (until !== null && Number.isNaN(time)) errors.add(['communication_disabled_until'], 'DATE_TIME_TYPE_PARSE', 'Could not parse date.');
    else patch.communication_disabled_until = until as string | null;
  }
  errors.throwIfAny();
  return patch;
}

export function registerMemberRoutes(router: RestRouter): void {
  router.add('GET', '/guilds/:guildId/members', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      const limit = Math.max(1, Number(ctx.query.get('limit') ?? 1) || 1);
      const after = ctx.query.get('after') ?? '0';
      return [...guild.members.values()]
        .filter((m) => compareSnowflakes(m.user_id, after) > 0)
        .sort((a, b) => compareSnowflakes(a.user_id, b.user_id))
        .slice(0, limit)
        .map((m) => ctx.sim.state.memberPayload(guild, m));
    },
  });

  router.add('GET', '/guilds/:guildId/members/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      return ctx.sim.state.memberPayload(guild, ctx.sim.state.requireMember(guild, targetId(ctx)));
    },
  });

  router.add('PATCH', '/guilds/:guildId/members/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = guildOf(ctx);
      const userId = targetId(ctx);
      state.requireMember(guild, userId);
      const patch = readMemberPatch(ctx);
      const self = userId === state.application.botUserId;
      if (patch.nick !== undefined) requireGuildPermission(state, guild, self ? Permission.ChangeNickname : Permission.ManageNicknames);
      if (patch.roles !== undefined) {
        requireGuildPermission(state, guild, Permission.ManageRoles);
        const current = new Set(state.requireMember(guild, userId).roles);
        const changed = [...patch.roles.filter((r) => !current.has(r)), ...[...current].filter((r) => !patch.roles?.includes(r))];
        for (const roleId of changed) requireAboveRole(state, guild, roleId);
      }
      if (patch.communication_disabled_until !== undefined) {
        requireGuildPermission(state, guild, Permission.ModerateMembers);
        requireAboveMember(state, guild, userId);
      }
      if (!self && patch.nick !== undefined) requireAboveMember(state, guild, userId);
      return state.memberPayload(guild, updateMember(state, guild, userId, patch));
    },
  });

  const changeRole = (ctx: RouteContext, add: boolean) => {
    const state = ctx.sim.state;
    const guild = guildOf(ctx);
    const userId = targetId(ctx);
    const roleId = param(ctx, 'roleId');
    const member = state.requireMember(guild, userId);
    if (!guild.roles.has(roleId)) throw notFound(ErrorCode.UnknownRole);
    requireGuildPermission(state, guild, Permission.ManageRoles);
    requireAboveRole(state, guild, roleId);
    const roles = add ? [...member.roles, roleId] : member.roles.filter((r) => r !== roleId);
    updateMember(state, guild, userId, { roles });
    return noContent();
  };
  router.add('PUT', '/guilds/:guildId/members/:userId/roles/:roleId', { auth: 'bot', handler: (ctx) => changeRole(ctx, true) });
  router.add('DELETE', '/guilds/:guildId/members/:userId/roles/:roleId', { auth: 'bot', handler: (ctx) => changeRole(ctx, false) });

  router.add('DELETE', '/guilds/:guildId/members/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = guildOf(ctx);
      const userId = targetId(ctx);
      state.requireMember(guild, userId);
      requireGuildPermission(state, guild, Permission.KickMembers);
      requireAboveMember(state, guild, userId);
      removeMember(state, guild, userId);
      return noContent();
    },
  });

  router.add('GET', '/guilds/:guildId/bans', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      requireGuildPermission(ctx.sim.state, guild, Permission.BanMembers);
      return [...guild.bans.values()].map((b) => ({ reason: b.reason, user: ctx.sim.state.requireUser(b.user_id) }));
    },
  });

  router.add('GET', '/guilds/:guildId/bans/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      requireGuildPermission(ctx.sim.state, guild, Permission.BanMembers);
      const ban = guild.bans.get(param(ctx, 'userId'));
      if (!ban) throw notFound(ErrorCode.UnknownBan);
      return { reason: ban.reason, user: ctx.sim.state.requireUser(ban.user_id) };
    },
  });

  router.add('PUT', '/guilds/:guildId/bans/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = guildOf(ctx);
      const userId = param(ctx, 'userId');
      requireGuildPermission(state, guild, Permission.BanMembers);
      if (userId === state.application.botUserId) throw new ApiError(403, ErrorCode.MissingPermissions);
      if (guild.members.has(userId)) requireAboveMember(state, guild, userId);
      banUser(state, guild, userId, ctx.reason);
      return noContent();
    },
  });

  router.add('DELETE', '/guilds/:guildId/bans/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      requireGuildPermission(ctx.sim.state, guild, Permission.BanMembers);
      unbanUser(ctx.sim.state, guild, param(ctx, 'userId'));
      return noContent();
    },
  });
}
