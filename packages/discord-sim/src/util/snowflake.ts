import { DISCORD_EPOCH_MS } from 'discord-limits';
/** Discord's epoch (2015-01-01T00:00:00Z): ids carry their creation time relative to it. */
export const DISCORD_EPOCH = BigInt(DISCORD_EPOCH_MS);

let lastTimestamp = 0n;
let increment = 0n;
// A random worker id keeps ids from two simulators in one process from colliding.
const worker = BigInt(Math.floor(Math.random() * 1024)) << 12n;

/** A new snowflake: milliseconds since Discord's epoch, then worker and process bits, then an increment. */
export function snowflake(now: number = Date.now()): string {
  let timestamp = BigInt(now) - DISCORD_EPOCH;
  // Keeps ids strictly increasing even when the clock steps back or many ids share a millisecond.
  if (timestamp < lastTimestamp) timestamp = lastTimestamp;
  if (timestamp === lastTimestamp) {
    increment++;
    if (increment > 0xfffn) {
      timestamp++;
      increment = 0n;
    }
  } else {
    increment = 0n;
  }
  lastTimestamp = timestamp;
  return ((timestamp << 22n) | worker | increment).toString();
}

/** Orders two snowflakes numerically (they are strings of varying length). */
export function compareSnowflakes(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shard a guild belongs to, by Discord's formula. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
