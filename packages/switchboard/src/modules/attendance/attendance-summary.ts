/** Who answered what: lists per answer, the waitlist in order, and the counts (pure). */
import type { AttendanceResponseRecord } from '../../storage/attendance-repository.ts';
import { isConfirmed, waitlistOf } from './attendance-rules.ts';

export type AttendanceSummary = {
  /** Yes holding a place, in the order they answered. */
  yes: AttendanceResponseRecord[];
  /** Yes waiting for a place, first in line first. */
  waitlist: AttendanceResponseRecord[];
  maybe: AttendanceResponseRecord[];
  late: AttendanceResponseRecord[];
  no: AttendanceResponseRecord[];
  counts: { yes: number; waitlist: number; maybe: number; late: number; no: number };
};

export function summarize(responses: readonly AttendanceResponseRecord[]): AttendanceSummary {
  const byTime = [...responses].sort((a, b) => a.respondedAt - b.respondedAt || a.userId.localeCompare(b.userId));
  const yes = byTime.filter(isConfirmed);
  const waitlist = waitlistOf(byTime);
  const maybe = byTime.filter((r) => r.answer === 'maybe');
  const late = byTime.filter((r) => r.answer === 'late');
  const no = byTime.filter((r) => r.answer === 'no');
  return { yes, waitlist, maybe, late, no, counts: { yes: yes.length, waitlist: waitlist.length, maybe: maybe.length, late: late.length, no: no.length } };
}
