/**
 * Which guild a channel or thread belongs to, and whether it is a thread, learned from gateway events
 * (GUILD_CREATE, CHANNEL_*, THREAD_*) and, for one not seen yet, from Discord's REST API. The broker needs
 * the guild to keep each app inside its own guilds without a REST call per message; the tickets module
 * needs to know that a message is not in a thread to skip looking for its ticket.
 */
import type { API } from '@discordjs/core';
import { ChannelType, type GatewayDispatchPayload } from 'discord-api-types/v10';

const THREAD_TYPES: ReadonlySet<number> = new Set([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread]);

export class ChannelDirectory {
  readonly #guildOf = new Map<string, string | null>();
  /** The known channels (those in `#guildOf`) that are threads. */
  readonly #threads = new Set<string>();
  readonly #api: () => API | undefined;

  constructor(api: () => API | undefined) {
    this.#api = api;
  }

  observe(event: GatewayDispatchPayload): void {
    switch (event.t) {
      case 'GUILD_CREATE':
        for (const channel of event.d.channels ?? []) this.#remember(channel.id, event.d.id, channel.type);
        for (const thread of event.d.threads ?? []) this.#remember(thread.id, event.d.id, thread.type);
        return;
      case 'CHANNEL_CREATE':
      case 'CHANNEL_UPDATE':
      case 'THREAD_CREATE':
      case 'THREAD_UPDATE':
        this.#remember(event.d.id, 'guild_id' in event.d ? (event.d.guild_id ?? null) : null, event.d.type);
        return;
      case 'CHANNEL_DELETE':
      case 'THREAD_DELETE':
        this.#guildOf.delete(event.d.id);
        this.#threads.delete(event.d.id);
        return;
      default:
        return;
    }
  }

  /** The guild of a channel; null for a DM; throws Discord's error when the channel is unknown. */
  async guildOf(channelId: string): Promise<string | null> {
    const known = this.#guildOf.get(channelId);
    if (known !== undefined) return known;
    const api = this.#api();
    if (!api) throw new Error('not connected to Discord');
    const channel = await api.channels.get(channelId);
    const guildId = 'guild_id' in channel ? (channel.guild_id ?? null) : null;
    this.#remember(channelId, guildId, channel.type);
    return guildId;
  }

  /** Whether a channel is a thread; undefined when the channel has not been seen. */
  isThread(channelId: string): boolean | undefined {
    return this.#guildOf.has(channelId) ? this.#threads.has(channelId) : undefined;
  }

  #remember(channelId: string, guildId: string | null, type: number): void {
    this.#guildOf.set(channelId, guildId);
    if (THREAD_TYPES.has(type)) this.#threads.add(channelId);
    else this.#threads.delete(channelId);
  }
}
