/**
 * Who a member is in a meeting, from the guild's role mapping: the host, a holder of a meeting moderator
 * role, or someone who manages the server moderates; everyone else takes part, unless the guild names
 * participant roles and the member holds none of them. Also who may end a meeting, and the Kaltura
 * privileges each meeting role carries. Pure: the caller reads the member and the configuration.
 */

export type MeetingRole = 'moderator' | 'participant';

export type MeetingMember = {
  userId: string;
  roleIds: readonly string[];
  /** Manage Server or Administrator. */
  managesGuild: boolean;
};

export type MeetingRoleMapping = {
  meetingModerators: readonly string[];
  meetingParticipants: readonly string[];
};

export type MeetingRoleDecision = { ok: true; role: MeetingRole } | { ok: false; reason: string; allowedRoleIds: string[] };

const mention = (roleId: string) => `<@&${roleId}>`;

function moderates(member: MeetingMember, hostUserId: string, mapping: MeetingRoleMapping): boolean {
  return member.userId === hostUserId || member.managesGuild || member.roleIds.some((id) => mapping.meetingModerators.includes(id));
}

export function meetingRoleOf(member: MeetingMember, meeting: { hostUserId: string }, mapping: MeetingRoleMapping): MeetingRoleDecision {
  if (moderates(member, meeting.hostUserId, mapping)) return { ok: true, role: 'moderator' };
  if (mapping.meetingParticipants.length === 0 || member.roleIds.some((id) => mapping.meetingParticipants.includes(id))) return { ok: true, role: 'participant' };
  const allowedRoleIds = [...new Set([...mapping.meetingParticipants, ...mapping.meetingModerators])];
  return { ok: false, reason: `Only members with one of these roles may join meetings here: ${allowedRoleIds.map(mention).join(', ')}.`, allowedRoleIds };
}

/** The host, a meeting moderator role holder, or someone who manages the server may end a meeting. */
export function mayEndMeeting(member: MeetingMember, meeting: { hostUserId: string }, mapping: MeetingRoleMapping): boolean {
  return moderates(member, meeting.hostUserId, mapping);
}

/**
 * The privileges of a member's KS for the room: moderators enter as the room's admins, participants as
 * viewers (Kaltura's contextual roles: 0 is a host, 3 a guest).
 */
export function kalturaPrivileges(role: MeetingRole, resourceId: number): string {
  return role === 'moderator'
    ? `eventSessionContextId:${resourceId},role:adminRole,userContextualRole:0`
    : `eventSessionContextId:${resourceId},role:viewerRole,userContextualRole:3`;
}
