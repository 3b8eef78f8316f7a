/** Guild scheduled events: `/guilds/{id}/scheduled-events…`. */
import { FormErrorCollector } from '../errors.ts';
import { requireGuildPermission } from '../guards.ts';
import type { JsonObject } from '../request-body.ts';
import { noContent, param } from '../route-types.ts';
import type { RestRouter } from '../route-types.ts';
import { guildOf } from './guilds.ts';
import { createScheduledEvent, deleteScheduledEvent, requireScheduledEvent, updateScheduledEvent } from '../../state/scheduled-events.ts';
import type { ScheduledEventInput } from '../../state/scheduled-events.ts';
import { Permission } from '../../util/permissions.ts';

const EXTERNAL = 3;
const STATUSES = [1, 2, 3, 4];

function readEvent(body: JsonObject, creating: boolean): ScheduledEventInput {
  const errors = new FormErrorCollector();
  const input: ScheduledEventInput = {};
  if (typeof body.name === 'string' && body.name.length > 0) input.name = body.name;
  else if (creating) errors.required(['name']);
  if (typeof body.description === 'string') input.description = body.description;
  for (const key of ['scheduled_start_time', 'scheduled_end_time'] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) errors.add([key], 'DATE_TIME_TYPE_PARSE', 'Could not parse date.');
    else input[key] = value;
  }
  if (creating && input.scheduled_start_time === undefined) errors.required(['scheduled_start_time']);
  if (typeof body.entity_type === 'number') input.entity_type = body.entity_type;
  else if (creating) errors.required(['entity_type']);
  if (typeof body.privacy_level === 'number') input.privacy_level = body.privacy_level;
  if (typeof body.channel_id === 'string') input.channel_id = body.channel_id;
  if (typeof body.status === 'number' && STATUSES.includes(body.status)) input.status = body.status;
  if (typeof body.entity_metadata === 'object' && body.entity_metadata !== null) input.entity_metadata = body.entity_metadata as { location?: string };
  if (creating && input.entity_type === EXTERNAL) {
    if (!input.entity_metadata?.location) errors.required(['entity_metadata', 'location']);
    if (!input.scheduled_end_time) errors.required(['scheduled_end_time']);
  } else if (creating && input.entity_type !== undefined && !input.channel_id) errors.required(['channel_id']);
  errors.throwIfAny();
  return input;
}

export function registerScheduledEventRoutes(router: RestRouter): void {
  router.add('GET', '/guilds/:guildId/scheduled-events', { auth: 'bot', handler: (ctx) => [...guildOf(ctx).events.values()] });

  router.add('GET', '/guilds/:guildId/scheduled-events/:eventId', {
    auth: 'bot',
    handler: (ctx) => requireScheduledEvent(guildOf(ctx), param(ctx, 'eventId')),
  });

  router.add('POST', '/guilds/:guildId/scheduled-events', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      requireGuildPermission(ctx.sim.state, guild, Permission.ManageEvents);
      return createScheduledEvent(ctx.sim.state, guild, ctx.sim.state.application.botUserId, readEvent(ctx.body, true));
    },
  });

  router.add('PATCH', '/guilds/:guildId/scheduled-events/:eventId', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      requireGuildPermission(ctx.sim.state, guild, Permission.ManageEvents);
      return updateScheduledEvent(ctx.sim.state, guild, param(ctx, 'eventId'), readEvent(ctx.body, false));
    },
  });

  router.add('DELETE', '/guilds/:guildId/scheduled-events/:eventId', {
    auth: 'bot',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      requireGuildPermission(ctx.sim.state, guild, Permission.ManageEvents);
      deleteScheduledEvent(ctx.sim.state, guild, param(ctx, 'eventId'));
      return noContent();
    },
  });
}
