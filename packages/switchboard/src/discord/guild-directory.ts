/**
 * The guilds the bot is in, by id, with their name and icon, learned from gateway events (GUILD_CREATE,
 * GUILD_UPDATE, GUILD_DELETE and each shard's READY). The dashboard lists them; nothing here calls Discord.
 */
import type { GatewayDispatchPayload } from 'discord-api-types/v10';

export type KnownGuild = { id: string; name: string; icon: string | null };

const CDN_ICONS = 'https://cdn.discordapp.com/icons';

/** The shard that holds a guild, as Discord assigns them: (guild_id >> 22) % shard_count. */
function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export function guildIconUrl(guild: KnownGuild): string | null {
  return guild.icon === null ? null : `${CDN_ICONS}/${guild.id}/${guild.icon}.png`;
}

export class GuildDirectory {
  readonly #guilds = new Map<string, KnownGuild>();

  observe(event: GatewayDispatchPayload): void {
    switch (event.t) {
      case 'READY': {
        // A new session (not a resume) lists every guild of the shard; guilds left while disconnected are gone.
        const listed = new Set(event.d.guilds.map((guild) => guild.id));
        const [shardId, shardCount] = event.d.shard ?? [0, 1];
        for (const id of this.#guilds.keys()) {
          if (!listed.has(id) && shardOf(id, shardCount) === shardId) this.#guilds.delete(id);
        }
        return;
      }
      case 'GUILD_CREATE':
      case 'GUILD_UPDATE':
        // An unavailable guild (an outage) has no name; the bot is still in it, so what was known stays.
        if ('unavailable' in event.d && event.d.unavailable === true) return;
        this.#guilds.set(event.d.id, { id: event.d.id, name: event.d.name, icon: event.d.icon ?? null });
        return;
      case 'GUILD_DELETE':
        // `unavailable` means an outage; without it the bot was removed from the guild.
        if (event.d.unavailable !== true) this.#guilds.delete(event.d.id);
        return;
      default:
        return;
    }
  }

  get(guildId: string): KnownGuild | undefined {
    return this.#guilds.get(guildId);
  }

  /** Every known guild, by name (then id) so that lists read the same each time. */
  list(): KnownGuild[] {
    return [...this.#guilds.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }
}
