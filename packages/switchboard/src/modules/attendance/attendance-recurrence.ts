/**
 * When the next occurrence of a weekly session takes place: the same wall-clock start and end in the
 * session's time zone, `intervalWeeks` weeks later — so 19:00 in Berlin stays 19:00 across a change of
 * daylight-saving time, while its UTC instant moves by an hour.
 */
import type { AttendanceSessionRecord } from '../../storage/attendance-repository.ts';
import { addLocalDays } from './zoned-time.ts';

export function nextOccurrenceTimes(session: Pick<AttendanceSessionRecord, 'startsAt' | 'endsAt' | 'timezone' | 'intervalWeeks'>): { startsAt: number; endsAt: number } {
  const days = 7 * (session.intervalWeeks ?? 1);
  return { startsAt: addLocalDays(session.startsAt, days, session.timezone), endsAt: addLocalDays(session.endsAt, days, session.timezone) };
}
