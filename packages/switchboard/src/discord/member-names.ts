/**
 * Members' display names (server nickname, else global name, else username) by id, for people reading the
 * dashboard: asked of Discord with the bot's token a few at a time and kept for ten minutes, so a list of
 * answers or a ticket does not cost a request per row each time it is shown.
 */
import type { API } from '@discordjs/core';

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;
const PARALLEL = 4;

export type MemberName = { id: string; name: string | null };

export class MemberNames {
  readonly #api: () => API | undefined;
  readonly #now: () => number;
  readonly #cache = new Map<string, { name: string | null; expiresAt: number }>();

  constructor(api: () => API | undefined, now: () => number = Date.now) {
    this.#api = api;
    this.#now = now;
  }

  /** Names for `userIds` in the guild; null for someone who is not (or no longer) a member, or while offline. */
  async names(guildId: string, userIds: readonly string[]): Promise<MemberName[]> {
    const now = this.#now();
    const unique = [...new Set(userIds)];
    const missing = unique.filter((id) => (this.#cache.get(`${guildId}:${id}`)?.expiresAt ?? 0) <= now);
    const api = this.#api();
    if (api) {
      for (let i = 0; i < missing.length; i += PARALLEL) {
        await Promise.all(missing.slice(i, i + PARALLEL).map((id) => this.#fetch(api, guildId, id, now)));
      }
    }
    return unique.map((id) => ({ id, name: this.#cache.get(`${guildId}:${id}`)?.name ?? null }));
  }

  async #fetch(api: API, guildId: string, userId: string, now: number): Promise<void> {
    let name: string | null = null;
    try {
      const member = await api.guilds.getMember(guildId, userId);
      name = member.nick ?? member.user.global_name ?? member.user.username;
    } catch {
      // Unknown member, a left guild, Discord unavailable: no name, asked again after the TTL.
    }
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(`${guildId}:${userId}`, { name, expiresAt: now + TTL_MS });
  }
}
