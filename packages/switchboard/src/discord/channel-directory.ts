/**
 * Which guild a channel or thread belongs to, learned from gateway events (GUILD_CREATE, CHANNEL_*,
 * THREAD_*) and, for one not seen yet, from Discord's REST API. The broker needs it to keep each app inside
 * its own guilds without a REST call per message.
 */
import type { API } from '@discordjs/core';
import type { GatewayDispatchPayload } from 'discord-api-types/v10';

export class ChannelDirectory {
  readonly #guildOf = new Map<string, string | null>();
  readonly #api: () => API | undefined;

  constructor(api: () => API | undefined) {
    this.#api = api;
  }

  observe(event: GatewayDispatchPayload): void {
    switch (event.t) {
      case 'GUILD_CREATE':
        for (const channel of event.d.channels ?? []) this.#guildOf.set(channel.id, event.d.id);
        for (const thread of event.d.threads ?? []) this.#guildOf.set(thread.id, event.d.id);
        return;
      case 'CHANNEL_CREATE':
      case 'CHANNEL_UPDATE':
      case 'THREAD_CREATE':
      case 'THREAD_UPDATE':
        this.#guildOf.set(event.d.id, 'guild_id' in event.d ? (event.d.guild_id ?? null) : null);
        return;
      case 'CHANNEL_DELETE':
      case 'THREAD_DELETE':
        this.#guildOf.delete(event.d.id);
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
    this.#guildOf.set(channelId, guildId);
    return guildId;
  }
}
