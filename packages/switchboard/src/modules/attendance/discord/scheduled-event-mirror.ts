/**
 * Optional: mirrors a session as a guild scheduled event, so that it shows in the server's event list. The
 * event is of the external type with the session's channel (a link to it) as location, and the session's
 * start and end. `sync` keeps it in step: it creates the event, edits it when the session changes, and cancels
 * it (or deletes it, when asked) when the session is cancelled. An event someone deleted by hand counts as
 * gone: editing it creates it anew, cancelling it does nothing.
 *
 * `scheduledEventBody` is the pure part, tested on its own.
 */
import { SCHEDULED_EVENT_DESCRIPTION_MAX, SCHEDULED_EVENT_LOCATION_MAX, SCHEDULED_EVENT_NAME_MAX } from 'discord-limits';
import type { API } from '@discordjs/core';
import { DiscordAPIError } from '@discordjs/rest';
import {
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  RESTJSONErrorCodes,
  type RESTPostAPIGuildScheduledEventJSONBody,
} from 'discord-api-types/v10';
import { cutText } from '../../../discord/cut-text.ts';
import type { SessionView } from './session-message.ts';

export type MirroredSession = Pick<SessionView, 'title' | 'description' | 'startsAt' | 'endsAt' | 'status'>;

/** Where the session lives: the guild and the channel its message is in. */
export type SessionPlace = { guildId: string; channelId: string };

/** The external event's body for the session: name, description, channel link as location, start and end. */
export function scheduledEventBody(session: MirroredSession, place: SessionPlace): RESTPostAPIGuildScheduledEventJSONBody {
  const name = cutText(session.title.replace(/\s+/g, ' ').trim(), SCHEDULED_EVENT_NAME_MAX) || 'Session';
  const description = cutText(session.description.trim(), SCHEDULED_EVENT_DESCRIPTION_MAX);
  const body: RESTPostAPIGuildScheduledEventJSONBody = {
    name,
    privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly,
    entity_type: GuildScheduledEventEntityType.External,
    entity_metadata: { location: cutText(`https://discord.com/channels/${place.guildId}/${place.channelId}`, SCHEDULED_EVENT_LOCATION_MAX) },
    scheduled_start_time: session.startsAt.toISOString(),
    scheduled_end_time: session.endsAt.toISOString(),
  };
  if (description !== '') body.description = description;
  return body;
}

export type ScheduledEventMirrorOptions = { api: API; /** Delete the event on cancellation instead of marking it cancelled. */ deleteOnCancel?: boolean };

export class ScheduledEventMirror {
  readonly #api: API;
  readonly #deleteOnCancel: boolean;

  constructor(options: ScheduledEventMirrorOptions) {
    this.#api = options.api;
    this.#deleteOnCancel = options.deleteOnCancel ?? false;
  }

  /**
   * Brings the event in step with the session and returns its id (to store with the session), or null when no
   * event stands for it any more (the session is cancelled and the event was deleted, or never existed).
   */
  async sync(place: SessionPlace, session: MirroredSession, eventId: string | null): Promise<string | null> {
    if (session.status === 'cancelled') {
      if (eventId === null) return null;
      return this.cancel(place.guildId, eventId);
    }
    const body = scheduledEventBody(session, place);
    if (eventId !== null) {
      try {
        await this.#api.guilds.editScheduledEvent(place.guildId, eventId, body);
        return eventId;
      } catch (error) {
        if (!isUnknownEvent(error)) throw error;
      }
    }
    const created = await this.#api.guilds.createScheduledEvent(place.guildId, body);
    return created.id;
  }

  /** Cancels (or deletes) the event; returns the id while a cancelled event still stands, else null. */
  async cancel(guildId: string, eventId: string): Promise<string | null> {
    try {
      if (this.#deleteOnCancel) {
        await this.#api.guilds.deleteScheduledEvent(guildId, eventId);
        return null;
      }
      await this.#api.guilds.editScheduledEvent(guildId, eventId, { status: GuildScheduledEventStatus.Canceled });
      return eventId;
    } catch (error) {
      if (isUnknownEvent(error)) return null;
      throw error;
    }
  }

  /** Deletes the event; one already gone counts as deleted. */
  async remove(guildId: string, eventId: string): Promise<void> {
    try {
      await this.#api.guilds.deleteScheduledEvent(guildId, eventId);
    } catch (error) {
      if (!isUnknownEvent(error)) throw error;
    }
  }
}

function isUnknownEvent(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownGuildScheduledEvent;
}
