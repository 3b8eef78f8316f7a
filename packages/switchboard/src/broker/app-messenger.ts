/**
 * What an app does through the hub: post to a channel (by id or by one of its named channels) inside its
 * own guilds, edit and delete only the messages it owns, and answer the interactions it was handed.
 * Components are namespaced on the way out; every message posted is recorded as the app's.
 */
import type { API } from '@discordjs/core';
import { AllowedMentionsTypes, type APIActionRowComponent, type APIEmbed, type APIComponentInMessageActionRow, type RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import { INTERACTION_TOKEN_LIFETIME_MS } from 'discord-limits';
import type { ChannelDirectory } from '../discord/channel-directory.ts';
import type { AppRecord, AppRepository } from '../storage/app-repository.ts';
import { namespaceComponents } from './app-components.ts';

export type AppMessageInput = {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
};

/** A refusal the HTTP layer turns into a 4xx. */
export class AppActionRefused extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class AppMessenger {
  readonly #api: () => API;
  readonly #applicationId: () => string;
  readonly #ownership: AppRepository;
  readonly #channels: ChannelDirectory;
  /** Interaction tokens handed to each app, so that one app can never answer another's interaction. */
  readonly #interactionTokens = new Map<string, { appId: string; expiresAt: number }>();

  constructor(options: { api: () => API; applicationId: () => string; ownership: AppRepository; channels: ChannelDirectory }) {
    this.#api = options.api;
    this.#applicationId = options.applicationId;
    this.#ownership = options.ownership;
    this.#channels = options.channels;
  }

  #body(app: AppRecord, input: AppMessageInput): RESTPostAPIChannelMessageJSONBody {
    return {
      ...(input.content !== undefined ? { content: input.content } : {}),
      ...(input.embeds !== undefined ? { embeds: input.embeds } : {}),
      ...(input.components !== undefined ? { components: namespaceComponents(input.components, app.id) } : {}),
      // An app speaks through the hub's bot: it may not ping @everyone or roles unless it names them.
      allowed_mentions: { parse: [AllowedMentionsTypes.User] },
    };
  }

  /** Where an app may post: a channel id or one of its named channels, inside one of its guilds. */
  async resolveChannel(app: AppRecord, target: { channelId?: string; channel?: string }): Promise<{ channelId: string; guildId: string }> {
    const channelId = target.channelId ?? (target.channel !== undefined ? app.channels[target.channel] : undefined);
    if (!channelId) {
      const names = Object.keys(app.channels);
      throw new AppActionRefused(
        400,
        'unknown_channel',
        target.channel !== undefined
          ? `The app has no channel named "${target.channel}"${names.length ? `; it has ${names.join(', ')}` : ''}.`
          : 'Say where to post: channelId, or channel (one of the app\'s named channels).',
      );
    }
    const guildId = await this.#channels.guildOf(channelId);
    if (guildId === null || !app.guilds.includes(guildId)) {
      throw new AppActionRefused(403, 'outside_guilds', `Channel ${channelId} is not in one of the app's guilds.`);
    }
    return { channelId, guildId };
  }

  async send(app: AppRecord, input: AppMessageInput & { channelId?: string; channel?: string }): Promise<{ messageId: string; channelId: string }> {
    const { channelId, guildId } = await this.resolveChannel(app, input);
    const message = await this.#api().channels.createMessage(channelId, this.#body(app, input));
    await this.#ownership.recordMessage({ messageId: message.id, appId: app.id, channelId, guildId, now: Date.now() });
    return { messageId: message.id, channelId };
  }

  async #owned(app: AppRecord, messageId: string): Promise<string> {
    const owner = await this.#ownership.messageOwner(messageId);
    if (!owner) throw new AppActionRefused(404, 'not_found', `Message ${messageId} was not posted through the hub.`);
    if (owner.appId !== app.id) throw new AppActionRefused(403, 'not_owner', `Message ${messageId} belongs to another app.`);
    return owner.channelId;
  }

  async edit(app: AppRecord, messageId: string, input: AppMessageInput): Promise<{ messageId: string; channelId: string }> {
    const channelId = await this.#owned(app, messageId);
    await this.#api().channels.editMessage(channelId, messageId, this.#body(app, input));
    return { messageId, channelId };
  }

  async delete(app: AppRecord, messageId: string): Promise<void> {
    const channelId = await this.#owned(app, messageId);
    await this.#api().channels.deleteMessage(channelId, messageId);
    await this.#ownership.forgetMessage(messageId);
  }

  /** Remembers that this interaction was handed to this app (its token lives 15 minutes). */
  handOver(appId: string, interactionToken: string, now = Date.now()): void {
    for (const [token, entry] of this.#interactionTokens) if (entry.expiresAt <= now) this.#interactionTokens.delete(token);
    this.#interactionTokens.set(interactionToken, { appId, expiresAt: now + INTERACTION_TOKEN_LIFETIME_MS });
  }

  #checkToken(app: AppRecord, token: string): void {
    const entry = this.#interactionTokens.get(token);
    if (!entry || entry.expiresAt <= Date.now()) {
      throw new AppActionRefused(404, 'unknown_interaction', 'No interaction with this token was handed to the app in the last 15 minutes.');
    }
    if (entry.appId !== app.id) throw new AppActionRefused(403, 'not_owner', 'This interaction was handed to another app.');
  }

  async followUp(app: AppRecord, token: string, input: AppMessageInput): Promise<{ messageId: string }> {
    this.#checkToken(app, token);
    const message = await this.#api().interactions.followUp(this.#applicationId(), token, this.#body(app, input));
    await this.#ownership.recordMessage({ messageId: message.id, appId: app.id, channelId: message.channel_id, guildId: null, now: Date.now() });
    return { messageId: message.id };
  }

  async editOriginal(app: AppRecord, token: string, input: AppMessageInput): Promise<{ messageId: string }> {
    this.#checkToken(app, token);
    const message = await this.#api().interactions.editReply(this.#applicationId(), token, this.#body(app, input));
    return { messageId: message.id };
  }
}
