/**
 * When Discord created something, read from its snowflake id: the top 42 bits are milliseconds since
 * Discord's epoch. The interaction deadlines count from that moment, not from when the gateway delivered it.
 */
import { DISCORD_EPOCH_MS } from 'discord-limits';

/** Milliseconds since the Unix epoch, or null when `id` is not a snowflake. */
export function snowflakeTimestamp(id: string): number | null {
  if (!/^\d{1,20}$/.test(id)) return null;
  const value = BigInt(id);
  if (value >= 1n << 64n) return null;
  return Number(value >> 22n) + DISCORD_EPOCH_MS;
}
