/**
 * Posts and edits session messages, and delivers reminders: by DM, or, when the person does not accept DMs
 * from the bot (Discord's 50007), as a mention in the session's channel. Thin: what it sends comes from
 * `session-message`; Discord's refusals other than closed DMs are thrown as they come (`DiscordAPIError`).
 */
import type { API } from '@discordjs/core';
import { DiscordAPIError } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { MESSAGE_CONTENT_MAX } from 'discord-limits';
import { cutText } from '../../../discord/cut-text.ts';
import { sessionMessage, type SessionView } from './session-message.ts';

export type ReminderDelivery = { via: 'dm' | 'channel'; channelId: string; messageId: string };

export type SessionPosterOptions = { api: API };

export class SessionPoster {
  readonly #api: API;
  /** user id → DM channel id; Discord hands out the same channel each time, so one lookup per user is enough. */
  readonly #dmChannels = new Map<string, string>();

  constructor(options: SessionPosterOptions) {
    this.#api = options.api;
  }

  /** Posts the session message in the channel; returns the message id. */
  async post(channelId: string, view: SessionView): Promise<string> {
    const message = await this.#api.channels.createMessage(channelId, sessionMessage(view));
    return message.id;
  }

  /** Rewrites the session message from the view. */
  async edit(channelId: string, messageId: string, view: SessionView): Promise<void> {
    await this.#api.channels.editMessage(channelId, messageId, sessionMessage(view));
  }

  /**
   * Sends `content` to the user by DM; when the user does not accept DMs, posts it in `fallbackChannelId` with a
   * mention of the user (only that user is pinged).
   */
  async remind(userId: string, fallbackChannelId: string, content: string): Promise<ReminderDelivery> {
    try {
      const channelId = await this.#dmChannel(userId);
      const message = await this.#api.channels.createMessage(channelId, { content: cutText(content, MESSAGE_CONTENT_MAX), allowed_mentions: { parse: [] } });
      return { via: 'dm', channelId, messageId: message.id };
    } catch (error) {
      if (!dmsClosed(error)) throw error;
    }
    const mention = `<@${userId}> `;
    const message = await this.#api.channels.createMessage(fallbackChannelId, {
      content: mention + cutText(content, MESSAGE_CONTENT_MAX - mention.length),
      allowed_mentions: { parse: [], users: [userId] },
    });
    return { via: 'channel', channelId: fallbackChannelId, messageId: message.id };
  }

  async #dmChannel(userId: string): Promise<string> {
    const known = this.#dmChannels.get(userId);
    if (known !== undefined) return known;
    const channel = await this.#api.users.createDM(userId);
    this.#dmChannels.set(userId, channel.id);
    return channel.id;
  }
}

function dmsClosed(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser || error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds)
  );
}
