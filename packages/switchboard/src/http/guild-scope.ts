/**
 * Which guilds a caller may see in lists that span guilds: a dashboard session of a guild manager sees the
 * guilds it manages; tokens and admin or viewer sessions see every guild.
 */
import type { Principal } from './auth.ts';

/** The ids the caller may see, or null for every guild. */
export function visibleGuildIds(principal: Principal | null): ReadonlySet<string> | null {
  if (principal?.kind !== 'session' || principal.role !== 'guild-manager') return null;
  return new Set(principal.guildIds);
}
