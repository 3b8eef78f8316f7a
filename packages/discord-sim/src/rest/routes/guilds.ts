/** Guilds and roles: `GET /guilds/{id}`, `/guilds/{id}/roles…`. */
import { ROLE_NAME_MAX } from 'discord-limits';
import { FormErrorCollector } from '../errors.ts';
import { requireAboveRole, requireGrantable, requireGuildPermission } from '../guards.ts';
import type { JsonObject } from '../request-body.ts';
import { noContent, param } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import type { SimGuild } from '../../state/entities.ts';
import { createRole, deleteRole, guildPayload, updateRole } from '../../state/guilds.ts';
import type { RoleInput } from '../../state/guilds.ts';
import { parsePermissions, Permission } from '../../util/permissions.ts';

function readRole(body: JsonObject): RoleInput {
  const errors = new FormErrorCollector();
  const input: RoleInput = {};
  if (body.name !== undefined && body.name !== null) {
    if (typeof body.name !== 'string' || body.name.length > ROLE_NAME_MAX) errors.maxLength(['name'], ROLE_NAME_MAX);
    else input.name = body.name;
  }
  if (body.permissions !== undefined && body.permissions !== null) input.permissions = parsePermissions(body.permissions);
  if (typeof body.color === 'number') input.color = body.color;
  if (typeof body.hoist === 'boolean') input.hoist = body.hoist;
  if (typeof body.mentionable === 'boolean') input.mentionable = body.mentionable;
  errors.throwIfAny();
  return input;
}

export function guildOf(ctx: RouteContext): SimGuild {
  const guild = ctx.sim.state.requireGuild(param(ctx, 'guildId'));
  requireGuildPermission(ctx.sim.state, guild, 0n);
  return guild;
}

export function registerGuildRoutes(router: RestRouter): void {
  router.add('GET', '/guilds/:guildId', {
    auth: 'bot',
    handler: (ctx) => guildPayload(guildOf(ctx), ctx.query.get('with_counts') === 'true'),
  });

  router.add('GET', '/guilds/:guildId/roles', { auth: 'bot', handler: (ctx) => [...guildOf(ctx).roles.values()] });

  router.add('POST', '/guilds/:guildId/roles', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = guildOf(ctx);
      requireGuildPermission(state, guild, Permission.ManageRoles);
      const input = readRole(ctx.body);
      if (input.permissions !== undefined) requireGrantable(state, guild, input.permissions);
      return createRole(state, guild, input);
    },
  });

  router.add('PATCH', '/guilds/:guildId/roles/:roleId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = guildOf(ctx);
      requireGuildPermission(state, guild, Permission.ManageRoles);
      requireAboveRole(state, guild, param(ctx, 'roleId'));
      const input = readRole(ctx.body);
      if (input.permissions !== undefined) requireGrantable(state, guild, input.permissions);
      return updateRole(state, guild, param(ctx, 'roleId'), input);
    },
  });

  router.add('DELETE', '/guilds/:guildId/roles/:roleId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = guildOf(ctx);
      requireGuildPermission(state, guild, Permission.ManageRoles);
      requireAboveRole(state, guild, param(ctx, 'roleId'));
      deleteRole(state, guild, param(ctx, 'roleId'));
      return noContent();
    },
  });
}
