/**
 * Meetings on Kaltura, without Discord: start one (a room, its event, then the row; nothing is left on
 * either side when a step fails), list and read them, end one (the event is cancelled before the row says
 * ended, so a meeting is never shown ended while Kaltura still runs it), hand a member a join link (a short
 * signed token, never a KS), and open such a link (only then is the member's KS minted). Results are values
 * with a reason a member can read; only programming and database errors throw.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MeetingRecord, MeetingRepository } from '../../storage/meeting-repository.ts';
import type { MeetingStatus, MeetingType } from '../../storage/schema.ts';
import { signJoinToken, verifyJoinToken, JOIN_TOKEN_TTL_SECONDS } from './join-token.ts';
import { KalturaError, type KalturaClient } from './kaltura/kaltura-client.ts';
import { kalturaPrivileges, mayEndMeeting, meetingRoleOf, type MeetingMember, type MeetingRole, type MeetingRoleMapping } from './meeting-roles.ts';

export const MEETING_TYPES: readonly MeetingType[] = ['meeting', 'webinar', 'classroom'];
export const MEETING_TITLE_MAX = 100;
export const MEETING_DURATION_MIN_MINUTES = 5;
export const MEETING_DURATION_MAX_MINUTES = 1440;

/** A member's KS outlives the meeting's planned end by this much, so a meeting running over is not cut off. */
const KS_GRACE_SECONDS = 15 * 60;
const KS_MIN_SECONDS = 15 * 60;
const KS_MAX_SECONDS = 6 * 60 * 60;

export const NOT_CONFIGURED_REASON = 'Meetings are not set up on this hub: the operator sets KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET.';
const UNREACHABLE_REASON = 'Kaltura could not be reached; try again in a few minutes.';

export type MeetingKaltura = Pick<KalturaClient, 'partnerId' | 'createRoom' | 'createEvent' | 'cancelEvent' | 'deleteRoom' | 'userSession'>;

export type MeetingServiceOptions = {
  repository: MeetingRepository;
  /** Absent when the hub has no Kaltura account configured. */
  kaltura: { client: MeetingKaltura; joinUrl: string } | undefined;
  roleMapping: (guildId: string) => Promise<MeetingRoleMapping>;
  publicUrl: string;
  joinKey: Uint8Array;
  logger: Logger;
  now?: () => number;
};

export type StartInput = { guildId: string; channelId: string; hostUserId: string; type: MeetingType; title: string; durationMinutes: number };

export type MeetingResult = { ok: true; meeting: MeetingRecord } | { ok: false; reason: string };

export type EndResult =
  | { ok: true; meeting: MeetingRecord }
  | { ok: false; code: 'not_configured' | 'not_found' | 'already_ended' | 'not_allowed' | 'kaltura'; reason: string; meeting?: MeetingRecord };

export type JoinLinkResult = { ok: true; url: string; role: MeetingRole; meeting: MeetingRecord } | { ok: false; reason: string };

/** What opening a join link comes to. */
export type OpenJoinResult = { kind: 'redirect'; location: string } | { kind: 'expired' | 'invalid' | 'ended' | 'not_configured' };

/** What a member reads when Kaltura failed. */
export function kalturaFailureReason(error: KalturaError): string {
  if (error.transient) return UNREACHABLE_REASON;
  // The client's message starts with what was called; the member needs only Kaltura's own words.
  return `Kaltura refused: ${error.message.replace(/^Kaltura refused [\w.]+: /, '')}`;
}

export type MeetingService = ReturnType<typeof createMeetingService>;

export function createMeetingService(options: MeetingServiceOptions) {
  const { repository, logger } = options;
  const now = options.now ?? Date.now;

  /** Undoes what Kaltura made for a start that failed later; a failure here is logged for the operator. */
  async function removeFromKaltura(client: MeetingKaltura, made: { resourceId: number; eventId?: number }): Promise<void> {
    if (made.eventId !== undefined) {
      await client.cancelEvent(made.eventId).catch((error: unknown) => logger.error({ err: error, kalturaEventId: made.eventId }, 'could not cancel the Kaltura event of a meeting that failed to start; cancel it in Kaltura'));
    }
    await client.deleteRoom(made.resourceId).catch((error: unknown) => logger.error({ err: error, kalturaResourceId: made.resourceId }, 'could not delete the Kaltura room of a meeting that failed to start; delete it in Kaltura'));
  }

  function checkStart(input: StartInput): string | undefined {
    if (!MEETING_TYPES.includes(input.type)) return `The type must be one of ${MEETING_TYPES.join(', ')}.`;
    const title = input.title.trim();
    if (title === '') return 'The title must not be empty.';
    if (title.length > MEETING_TITLE_MAX) return `The title must be at most ${MEETING_TITLE_MAX} characters.`;
    if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < MEETING_DURATION_MIN_MINUTES || input.durationMinutes > MEETING_DURATION_MAX_MINUTES) {
      return `The duration must be a whole number of minutes from ${MEETING_DURATION_MIN_MINUTES} to ${MEETING_DURATION_MAX_MINUTES}.`;
    }
    return undefined;
  }

  async function start(input: StartInput): Promise<MeetingResult> {
    const kaltura = options.kaltura;
    if (!kaltura) return { ok: false, reason: NOT_CONFIGURED_REASON };
    const problem = checkStart(input);
    if (problem) return { ok: false, reason: problem };
    const title = input.title.trim();
    const startsAt = now();
    const endsAt = startsAt + input.durationMinutes * 60_000;
    const id = randomUUID();

    let resourceId: number;
    try {
      resourceId = await kaltura.client.createRoom({ name: title, description: `Started from Discord (server ${input.guildId}, meeting ${id})`, tags: ['vcprovider:newrow', `meetingtype:${input.type}`] });
    } catch (error) {
      if (error instanceof KalturaError) return { ok: false, reason: kalturaFailureReason(error) };
      throw error;
    }
    let eventId: number;
    try {
      eventId = await kaltura.client.createEvent(resourceId, { summary: title, startDate: startsAt, endDate: endsAt });
    } catch (error) {
      await removeFromKaltura(kaltura.client, { resourceId });
      if (error instanceof KalturaError) return { ok: false, reason: kalturaFailureReason(error) };
      throw error;
    }
    try {
      const meeting = await repository.insert({
        id,
        guildId: input.guildId,
        channelId: input.channelId,
        title,
        type: input.type,
        hostUserId: input.hostUserId,
        kalturaResourceId: resourceId,
        kalturaEventId: eventId,
        startsAt,
        endsAt,
        createdAt: startsAt,
      });
      return { ok: true, meeting };
    } catch (error) {
      logger.error({ err: error, meeting: id }, 'could not record a started meeting; removing it from Kaltura again');
      await removeFromKaltura(kaltura.client, { resourceId, eventId });
      return { ok: false, reason: 'The meeting could not be recorded on this hub, so it was removed from Kaltura again; try again in a moment.' };
    }
  }

  async function end(guildId: string, meetingId: string, by: MeetingMember): Promise<EndResult> {
    const kaltura = options.kaltura;
    if (!kaltura) return { ok: false, code: 'not_configured', reason: NOT_CONFIGURED_REASON };
    const meeting = await repository.get(guildId, meetingId);
    if (!meeting) return { ok: false, code: 'not_found', reason: 'There is no such meeting in this server; see `/kaltura-list`.' };
    if (meeting.status === 'ended') return { ok: false, code: 'already_ended', reason: `**${meeting.title}** has already ended.`, meeting };
    if (!mayEndMeeting(by, meeting, await options.roleMapping(guildId))) {
      return { ok: false, code: 'not_allowed', reason: 'Only the host, a meeting moderator or someone with Manage Server may end this meeting.', meeting };
    }
    try {
      await kaltura.client.cancelEvent(meeting.kalturaEventId);
    } catch (error) {
      if (!(error instanceof KalturaError)) throw error;
      return { ok: false, code: 'kaltura', reason: `${kalturaFailureReason(error)} **${meeting.title}** is still running.`, meeting };
    }
    const ended = await repository.markEnded(guildId, meetingId, by.userId, now());
    if (!ended) return { ok: false, code: 'already_ended', reason: `**${meeting.title}** has already ended.`, meeting };
    return { ok: true, meeting: ended };
  }

  async function joinLink(guildId: string, meetingId: string, member: MeetingMember): Promise<JoinLinkResult> {
    if (!options.kaltura) return { ok: false, reason: NOT_CONFIGURED_REASON };
    const meeting = await repository.get(guildId, meetingId);
    if (!meeting) return { ok: false, reason: 'There is no such meeting in this server; see `/kaltura-list`.' };
    if (meeting.status !== 'active') return { ok: false, reason: `**${meeting.title}** has ended.` };
    const decision = meetingRoleOf(member, meeting, await options.roleMapping(guildId));
    if (!decision.ok) return { ok: false, reason: decision.reason };
    const token = await signJoinToken(options.joinKey, { meetingId: meeting.id, guildId, userId: member.userId, role: decision.role }, now());
    return { ok: true, url: `${options.publicUrl}/meetings/join/${token}`, role: decision.role, meeting };
  }

  async function openJoin(token: string): Promise<OpenJoinResult> {
    const kaltura = options.kaltura;
    if (!kaltura) return { kind: 'not_configured' };
    const checked = await verifyJoinToken(options.joinKey, token, now());
    if (!checked.ok) return { kind: checked.reason };
    const { claims } = checked;
    const meeting = await repository.get(claims.guildId, claims.meetingId);
    if (!meeting || meeting.status !== 'active') return { kind: 'ended' };
    const at = now();
    const untilEnd = Math.ceil((meeting.endsAt - at) / 1000) + KS_GRACE_SECONDS;
    const expirySeconds = Math.min(KS_MAX_SECONDS, Math.max(KS_MIN_SECONDS, untilEnd));
    const ks = kaltura.client.userSession(`discord:${claims.userId}`, kalturaPrivileges(claims.role, meeting.kalturaResourceId), expirySeconds);
    const location = kaltura.joinUrl
      .replaceAll('{ks}', encodeURIComponent(ks))
      .replaceAll('{partnerId}', String(kaltura.client.partnerId))
      .replaceAll('{resourceId}', String(meeting.kalturaResourceId));
    return { kind: 'redirect', location };
  }

  return {
    configured: options.kaltura !== undefined,
    joinLinkMinutes: JOIN_TOKEN_TTL_SECONDS / 60,
    start,
    end,
    joinLink,
    openJoin,
    get: (guildId: string, meetingId: string) => repository.get(guildId, meetingId),
    list: (guildId: string, filter: { status: MeetingStatus; limit?: number }) => repository.list(guildId, filter.status, filter.limit ?? 25),
    attachAnnouncement: (meeting: MeetingRecord, messageId: string) => repository.attachAnnouncement(meeting.guildId, meeting.id, messageId),
  };
}
