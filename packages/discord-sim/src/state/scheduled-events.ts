/** Guild scheduled events and their gateway dispatches. */
import type { SimGuild, SimScheduledEvent } from './entities.ts';
import type { SimulatedState } from './simulated-state.ts';
import { ErrorCode, notFound } from '../rest/errors.ts';
import { snowflake } from '../util/snowflake.ts';

export type ScheduledEventInput = Partial<Omit<SimScheduledEvent, 'id' | 'guild_id' | 'creator_id' | 'user_count'>>;

export function createScheduledEvent(state: SimulatedState, guild: SimGuild, creatorId: string, input: ScheduledEventInput): SimScheduledEvent {
  const event: SimScheduledEvent = {
    id: snowflake(),
    guild_id: guild.id,
    channel_id: input.channel_id ?? null,
    creator_id: creatorId,
    name: input.name ?? 'Event',
    description: input.description ?? null,
    scheduled_start_time: input.scheduled_start_time ?? new Date().toISOString(),
    scheduled_end_time: input.scheduled_end_time ?? null,
    privacy_level: input.privacy_level ?? 2,
    status: 1,
    entity_type: input.entity_type ?? 3,
    entity_id: null,
    entity_metadata: input.entity_metadata ?? null,
    user_count: 0,
    image: null,
  };
  guild.events.set(event.id, event);
  state.emit('GUILD_SCHEDULED_EVENT_CREATE', { ...event, creator: state.users.get(creatorId) }, { guildId: guild.id });
  return event;
}

export function requireScheduledEvent(guild: SimGuild, id: string): SimScheduledEvent {
  const event = guild.events.get(id);
  if (!event) throw notFound(ErrorCode.UnknownGuildScheduledEvent);
  return event;
}

export function updateScheduledEvent(state: SimulatedState, guild: SimGuild, id: string, patch: ScheduledEventInput): SimScheduledEvent {
  const event = requireScheduledEvent(guild, id);
  Object.assign(event, patch);
  state.emit('GUILD_SCHEDULED_EVENT_UPDATE', event, { guildId: guild.id });
  return event;
}

export function deleteScheduledEvent(state: SimulatedState, guild: SimGuild, id: string): void {
  const event = requireScheduledEvent(guild, id);
  guild.events.delete(id);
  state.emit('GUILD_SCHEDULED_EVENT_DELETE', event, { guildId: guild.id });
}
