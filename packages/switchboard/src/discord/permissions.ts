/**
 * Guild-level permissions of a member, computed the way Discord does (the @everyone role, then the member's
 * roles; Administrator implies everything), and their names for people.
 * https://discord.com/developers/docs/topics/permissions#permission-hierarchy
 */
import { PermissionFlagsBits, type APIRole } from 'discord-api-types/v10';

export function basePermissions(guildId: string, roles: readonly APIRole[], memberRoleIds: readonly string[]): bigint {
  const everyone = roles.find((r) => r.id === guildId);
  let permissions = BigInt(everyone?.permissions ?? '0');
  for (const role of roles) if (memberRoleIds.includes(role.id)) permissions |= BigInt(role.permissions);
  if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return ~0n;
  return permissions;
}

const NAMES = new Map(Object.entries(PermissionFlagsBits).map(([name, bit]) => [bit, name.replace(/([a-z])([A-Z])/g, '$1 $2')]));

/** "Manage Threads", "Send Messages", … */
export function permissionName(bit: bigint): string {
  return NAMES.get(bit) ?? `permission ${bit}`;
}

/** The bits of `needed` that `held` lacks, one bigint per permission. */
export function missingPermissions(held: bigint, needed: bigint): bigint[] {
  const missing: bigint[] = [];
  for (let bit = 1n; bit <= needed; bit <<= 1n) if ((needed & bit) !== 0n && (held & bit) === 0n) missing.push(bit);
  return missing;
}
