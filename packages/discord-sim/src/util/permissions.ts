/** Permission bits, as Discord numbers them. */
export const Permission = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewAuditLog: 1n << 7n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  ManageNicknames: 1n << 27n,
  ManageRoles: 1n << 28n,
  ManageWebhooks: 1n << 29n,
  UseApplicationCommands: 1n << 31n,
  ManageEvents: 1n << 33n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
  ModerateMembers: 1n << 40n,
} as const;

export type PermissionName = keyof typeof Permission;

/** Every permission bit Discord defines up to bit 50, for Administrator and guild owners. */
export const ALL_PERMISSIONS = (1n << 51n) - 1n;

/** What @everyone gets in a new guild, close to Discord's default. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.CreateInstantInvite |
  Permission.AddReactions |
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.UseExternalEmojis |
  Permission.ChangeNickname |
  Permission.UseApplicationCommands |
  Permission.CreatePublicThreads |
  Permission.CreatePrivateThreads |
  Permission.SendMessagesInThreads;

export function permissionBits(names: readonly PermissionName[]): bigint {
  let bits = 0n;
  for (const name of names) bits |= Permission[name];
  return bits;
}

export function hasPermission(bits: bigint, wanted: bigint): boolean {
  return (bits & Permission.Administrator) === Permission.Administrator || (bits & wanted) === wanted;
}

/** Parses a permission string from a request body; invalid input counts as no permissions. */
export function parsePermissions(value: unknown): bigint {
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return 0n;
}

export interface Overwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

/**
 * Discord's permission algorithm: the guild-level bits of @everyone and the member's roles, then the channel's
 * overwrites in their fixed order (@everyone, the roles together, the member).
 */
export function computePermissions(input: {
  guildId: string;
  ownerId: string;
  userId: string;
  memberRoleIds: readonly string[];
  rolePermissions: (roleId: string) => bigint | undefined;
  overwrites?: readonly Overwrite[];
}): bigint {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  let bits = input.rolePermissions(input.guildId) ?? 0n;
  for (const roleId of input.memberRoleIds) bits |= input.rolePermissions(roleId) ?? 0n;
  if ((bits & Permission.Administrator) !== 0n) return ALL_PERMISSIONS;
  const overwrites = input.overwrites ?? [];
  const everyone = overwrites.find((o) => o.id === input.guildId);
  if (everyone) bits = (bits & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && input.memberRoleIds.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  bits = (bits & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) bits = (bits & ~BigInt(member.deny)) | BigInt(member.allow);
  // Without ViewChannel a member has no permission in the channel at all.
  if ((bits & Permission.ViewChannel) === 0n) return 0n;
  return bits;
}
