/** Checks of a session's plan, pure: each failure is a refusal in plain words. */
import type { AttendanceRefusal } from './attendance-rules.ts';
import { isValidTimeZone } from './zoned-time.ts';

export const MAX_SESSION_DURATION_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_CAPACITY = 10_000;
export const MAX_INTERVAL_WEEKS = 52;
export const MAX_REMINDER_MINUTES = 7 * 24 * 60;

export type SessionPlan = {
  title: string;
  startsAt: number;
  endsAt: number;
  timezone: string;
  capacity: number | null;
  recurrence: 'weekly' | null;
  intervalWeeks: number | null;
  reminderMinutesBefore: number | null;
};

function invalid(reason: string): AttendanceRefusal {
  return { ok: false, code: 'invalid', reason };
}

export function checkSessionPlan(plan: SessionPlan): { ok: true } | AttendanceRefusal {
  if (plan.title.trim() === '') return invalid('A session needs a title.');
  if (!Number.isSafeInteger(plan.startsAt) || !Number.isSafeInteger(plan.endsAt)) return invalid('The start and end must be valid times.');
  if (plan.endsAt <= plan.startsAt) return invalid('A session must end after it starts.');
  if (plan.endsAt - plan.startsAt > MAX_SESSION_DURATION_MS) return invalid('A session can last at most 7 days.');
  if (!isValidTimeZone(plan.timezone)) return invalid(`"${plan.timezone}" is not a time zone; use an IANA name such as Europe/Berlin.`);
  if (plan.capacity !== null && !(Number.isInteger(plan.capacity) && plan.capacity >= 1 && plan.capacity <= MAX_CAPACITY)) {
    return invalid(`The capacity must be a whole number from 1 to ${MAX_CAPACITY}, or none.`);
  }
  if (plan.recurrence === null && plan.intervalWeeks !== null) return invalid('An interval in weeks needs a weekly recurrence.');
  if (plan.recurrence === 'weekly' && !(plan.intervalWeeks !== null && Number.isInteger(plan.intervalWeeks) && plan.intervalWeeks >= 1 && plan.intervalWeeks <= MAX_INTERVAL_WEEKS)) {
    return invalid(`A weekly session repeats every 1 to ${MAX_INTERVAL_WEEKS} weeks.`);
  }
  if (
    plan.reminderMinutesBefore !== null &&
    !(Number.isInteger(plan.reminderMinutesBefore) && plan.reminderMinutesBefore >= 1 && plan.reminderMinutesBefore <= MAX_REMINDER_MINUTES)
  ) {
    return invalid(`A reminder goes out 1 to ${MAX_REMINDER_MINUTES} minutes before the start, or not at all.`);
  }
  return { ok: true };
}
