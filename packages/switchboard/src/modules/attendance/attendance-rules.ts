/**
 * Answering a session, as a pure decision: given the session, every answer so far and a member's new answer,
 * the answers to write — the member's own and those of anyone promoted from the waitlist — or the reason
 * (fit to show the member) why not. A Yes beyond the capacity waits in line; when a place frees up (a Yes
 * changes its mind, the capacity grows) the first in line gets it, and is named so that they can be told.
 */
import type { AttendanceResponseRecord, AttendanceSessionRecord } from '../../storage/attendance-repository.ts';
import type { AttendanceAnswer } from '../../storage/schema.ts';

export type AttendanceRefusal = { ok: false; code: 'not_found' | 'conflict' | 'not_allowed' | 'invalid'; reason: string };

export type AnswerInput = {
  session: Pick<AttendanceSessionRecord, 'id' | 'title' | 'status' | 'capacity' | 'allowedRoleIds' | 'endsAt'>;
  /** Every answer to the session so far. */
  responses: readonly AttendanceResponseRecord[];
  userId: string;
  answer: AttendanceAnswer;
  /** The member's roles; absent when a trusted caller (an admin through the API) answers for them. */
  roleIds?: readonly string[];
  now: number;
};

export type AnswerDecision =
  | {
      ok: true;
      /** The member's answer as it now stands. */
      response: AttendanceResponseRecord;
      previous: AttendanceResponseRecord | null;
      /** False when the member gave the same answer again: nothing to write. */
      changed: boolean;
      /** Members moved from the waitlist to a place, first in line first. */
      promoted: AttendanceResponseRecord[];
    }
  | AttendanceRefusal;

/** A Yes holding a place (not waiting in line). */
export function isConfirmed(response: AttendanceResponseRecord): boolean {
  return response.answer === 'yes' && response.waitlistPosition === null;
}

export function isWaiting(response: AttendanceResponseRecord): boolean {
  return response.answer === 'yes' && response.waitlistPosition !== null;
}

/** The waiting Yes answers, first in line first. */
export function waitlistOf(responses: readonly AttendanceResponseRecord[]): AttendanceResponseRecord[] {
  return responses.filter(isWaiting).sort((a, b) => a.waitlistPosition! - b.waitlistPosition! || a.respondedAt - b.respondedAt);
}

/** Who gets a place now that there may be free ones (each returned with their waitlist position cleared). */
export function fillPlaces(responses: readonly AttendanceResponseRecord[], capacity: number | null): AttendanceResponseRecord[] {
  const confirmed = responses.filter(isConfirmed).length;
  const waiting = waitlistOf(responses);
  const free = capacity === null ? waiting.length : Math.max(0, capacity - confirmed);
  return waiting.slice(0, free).map((r) => ({ ...r, waitlistPosition: null }));
}

/** Whether a member with `roleIds` may answer a session limited to `allowedRoleIds` (empty: everyone). */
export function mayAnswer(allowedRoleIds: readonly string[], roleIds: readonly string[]): boolean {
  return allowedRoleIds.length === 0 || roleIds.some((role) => allowedRoleIds.includes(role));
}

export function decideAnswer(input: AnswerInput): AnswerDecision {
  const { session, userId, answer, now } = input;
  if (session.status === 'cancelled') return { ok: false, code: 'conflict', reason: `"${session.title}" has been cancelled.` };
  if (now >= session.endsAt) return { ok: false, code: 'conflict', reason: `"${session.title}" is over; answers are closed.` };
  if (input.roleIds !== undefined && !mayAnswer(session.allowedRoleIds, input.roleIds)) {
    return { ok: false, code: 'not_allowed', reason: `Only members with one of the session's roles can answer "${session.title}".` };
  }
  const previous = input.responses.find((r) => r.userId === userId) ?? null;
  if (previous && previous.answer === answer) return { ok: true, response: previous, previous, changed: false, promoted: [] };

  const others = input.responses.filter((r) => r.userId !== userId);
  let waitlistPosition: number | null = null;
  if (answer === 'yes' && session.capacity !== null && others.filter(isConfirmed).length >= session.capacity) {
    waitlistPosition = Math.max(0, ...others.map((r) => r.waitlistPosition ?? 0)) + 1;
  }
  const response: AttendanceResponseRecord = { sessionId: session.id, userId, answer, waitlistPosition, respondedAt: now };
  const promoted = fillPlaces([...others, response], session.capacity);
  return { ok: true, response, previous, changed: true, promoted };
}
