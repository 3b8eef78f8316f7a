/**
 * What an interaction's member may do in the guild, from the permission bitfield Discord computes and sends
 * with every guild interaction. Modules check it themselves, not only through a command's default member
 * permissions, which a server's owner can change in Server Settings → Integrations.
 */
import { PermissionFlagsBits, type APIInteractionGuildMember } from 'discord-api-types/v10';

/** Whether the member holds `permission` (Administrator holds every permission). */
export function memberHolds(member: Pick<APIInteractionGuildMember, 'permissions'> | undefined, permission: bigint): boolean {
  if (!member || typeof member.permissions !== 'string' || !/^\d+$/.test(member.permissions)) return false;
  const bits = BigInt(member.permissions);
  return (bits & (permission | PermissionFlagsBits.Administrator)) !== 0n;
}

/** Whether the member may manage the server (Manage Server, or Administrator). */
export function memberManagesGuild(member: Pick<APIInteractionGuildMember, 'permissions'> | undefined): boolean {
  return memberHolds(member, PermissionFlagsBits.ManageGuild);
}
