/** Application commands, global and per guild: list, create (upsert by name), bulk overwrite, edit, delete. */
import { GLOBAL_CHAT_COMMANDS_MAX } from 'discord-limits';
import { ApiError, ErrorCode, notFound } from '../errors.ts';
import { noContent, param } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import { readCommand, readCommandList } from '../validation/command-validation.ts';
import type { CommandBody } from '../validation/command-validation.ts';
import type { SimCommand } from '../../state/entities.ts';
import { snowflake } from '../../util/snowflake.ts';

interface Scope {
  applicationId: string;
  guildId: string | undefined;
}

function scopeOf(ctx: RouteContext): Scope {
  const state = ctx.sim.state;
  if (param(ctx, 'applicationId') !== state.application.id) throw notFound(ErrorCode.UnknownApplication);
  const guildId = ctx.params.guildId;
  if (guildId !== undefined) {
    const guild = state.requireGuild(guildId);
    if (!guild.members.has(state.application.botUserId)) throw new ApiError(403, ErrorCode.MissingAccess);
  }
  return { applicationId: state.application.id, guildId };
}

function commandsIn(ctx: RouteContext, scope: Scope): SimCommand[] {
  return [...ctx.sim.state.commands.values()].filter((c) => c.guild_id === scope.guildId);
}

function upsert(ctx: RouteContext, scope: Scope, body: CommandBody, existing: SimCommand | undefined): SimCommand {
  const command: SimCommand = {
    ...body,
    id: existing?.id ?? snowflake(),
    application_id: scope.applicationId,
    version: snowflake(),
  };
  if (scope.guildId) command.guild_id = scope.guildId;
  else command.dm_permission = body.dm_permission ?? true;
  ctx.sim.state.commands.set(command.id, command);
  return command;
}

function requireCommand(ctx: RouteContext, scope: Scope): SimCommand {
  const command = ctx.sim.state.commands.get(param(ctx, 'commandId'));
  if (!command || command.guild_id !== scope.guildId) throw notFound(ErrorCode.UnknownApplicationCommand);
  return command;
}

/** The chat-input command cap applies to the whole set a scope would hold. */
function assertRoom(commands: Array<{ type: number }>): void {
  if (commands.filter((c) => c.type === 1).length > GLOBAL_CHAT_COMMANDS_MAX) throw new ApiError(400, ErrorCode.MaxApplicationCommands);
}

export function registerCommandRoutes(router: RestRouter): void {
  for (const base of ['/applications/:applicationId/commands', '/applications/:applicationId/guilds/:guildId/commands']) {
    router.add('GET', base, { auth: 'bot', handler: (ctx) => commandsIn(ctx, scopeOf(ctx)) });

    router.add('POST', base, {
      auth: 'bot',
      handler: (ctx) => {
        const scope = scopeOf(ctx);
        const body = readCommand(ctx.body);
        const current = commandsIn(ctx, scope);
        const existing = current.find((c) => c.name === body.name && c.type === body.type);
        if (!existing) assertRoom([...current, body]);
        return upsert(ctx, scope, body, existing);
      },
    });

    router.add('PUT', base, {
      auth: 'bot',
      handler: (ctx) => {
        const scope = scopeOf(ctx);
        const bodies = readCommandList(ctx.body);
        assertRoom(bodies);
        const current = commandsIn(ctx, scope);
        const kept = bodies.map((body) => upsert(ctx, scope, body, current.find((c) => c.name === body.name && c.type === body.type)));
        const keptIds = new Set(kept.map((c) => c.id));
        for (const old of current) if (!keptIds.has(old.id)) ctx.sim.state.commands.delete(old.id);
        return kept;
      },
    });

    router.add('GET', `${base}/:commandId`, { auth: 'bot', handler: (ctx) => requireCommand(ctx, scopeOf(ctx)) });

    router.add('PATCH', `${base}/:commandId`, {
      auth: 'bot',
      handler: (ctx) => {
        const scope = scopeOf(ctx);
        const existing = requireCommand(ctx, scope);
        const body = readCommand({ ...existing, ...ctx.body });
        return upsert(ctx, scope, body, existing);
      },
    });

    router.add('DELETE', `${base}/:commandId`, {
      auth: 'bot',
      handler: (ctx) => {
        const scope = scopeOf(ctx);
        ctx.sim.state.commands.delete(requireCommand(ctx, scope).id);
        return noContent();
      },
    });
  }
}
