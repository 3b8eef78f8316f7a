/** Permission checks Discord makes before acting for the bot: channel and guild permissions and role hierarchy. */
import type { SimChannel, SimGuild } from '../state/entities.ts';
import type { SimulatedState } from '../state/simulated-state.ts';
import { ALL_PERMISSIONS, hasPermission } from '../util/permissions.ts';
import { ApiError, ErrorCode, missingPermissions } from './errors.ts';

/** Throws 50001 when the bot cannot see the channel and 50013 when it lacks `bits` there. DMs need nothing. */
export function requireChannelPermission(state: SimulatedState, channel: SimChannel, bits: bigint): void {
  if (!channel.guild_id) return;
  const permissions = state.channelPermissions(channel, state.application.botUserId);
  if (permissions === 0n) throw new ApiError(403, ErrorCode.MissingAccess);
  if (!hasPermission(permissions, bits)) throw missingPermissions();
}

export function botHasChannelPermission(state: SimulatedState, channel: SimChannel, bits: bigint): boolean {
  if (!channel.guild_id) return true;
  return hasPermission(state.channelPermissions(channel, state.application.botUserId), bits);
}

export function requireGuildPermission(state: SimulatedState, guild: SimGuild, bits: bigint): void {
  if (!guild.members.has(state.application.botUserId)) throw new ApiError(403, ErrorCode.MissingAccess);
  if (!hasPermission(state.guildPermissions(guild, state.application.botUserId), bits)) throw missingPermissions();
}

function highestPosition(guild: SimGuild, userId: string): number {
  if (userId === guild.owner_id) return Infinity;
  const member = guild.members.get(userId);
  if (!member) return 0;
  return Math.max(0, ...member.roles.map((id) => guild.roles.get(id)?.position ?? 0));
}

/** Discord's hierarchy rule: the bot may act on a member only if its highest role is above the member's. */
export function requireAboveMember(state: SimulatedState, guild: SimGuild, userId: string): void {
  const bot = state.application.botUserId;
  if (bot === guild.owner_id) return;
  if (userId === guild.owner_id || highestPosition(guild, userId) >= highestPosition(guild, bot)) throw missingPermissions();
}

/** The bot may manage a role, or grant it, only if the role is below its own highest role. */
export function requireAboveRole(state: SimulatedState, guild: SimGuild, roleId: string): void {
  const bot = state.application.botUserId;
  if (bot === guild.owner_id) return;
  const role = guild.roles.get(roleId);
  if (role && role.position >= highestPosition(guild, bot)) throw missingPermissions();
}

/** A bot may only grant permissions it has itself. */
export function requireGrantable(state: SimulatedState, guild: SimGuild, bits: bigint): void {
  const own = state.guildPermissions(guild, state.application.botUserId);
  if (own === ALL_PERMISSIONS) return;
  if ((bits & ~own) !== 0n) throw missingPermissions();
}
