/** Puts the attendance service together on the hub's database: what hub.ts builds once and hands out. */
import type { Kysely } from 'kysely';
import { AttendanceRepository } from '../../storage/attendance-repository.ts';
import type { Tables } from '../../storage/schema.ts';
import { AttendanceService } from './attendance-service.ts';

export function createAttendance(db: Kysely<Tables>, options: { clock?: () => number } = {}): AttendanceService {
  return new AttendanceService({ repository: new AttendanceRepository(db), ...options });
}
