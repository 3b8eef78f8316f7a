/**
 * Keeps weekly sessions going: once an occurrence has started, the next one is created (same local time in
 * the session's zone) and `onCreated` is called so that the Discord side posts its message. Only the instance
 * that created an occurrence calls `onCreated`. A run in which a callback failed is reported as failed.
 */
import type { Job } from '../../jobs/job.ts';
import type { AttendanceSessionRecord } from '../../storage/attendance-repository.ts';
import type { AttendanceService } from './attendance-service.ts';

export type AttendanceRecurrenceJobOptions = {
  intervalMs?: number;
  limit?: number;
  /** The new occurrence and the one it follows. */
  onCreated(next: AttendanceSessionRecord, previous: AttendanceSessionRecord): Promise<void>;
};

export function attendanceRecurrenceJob(service: AttendanceService, options: AttendanceRecurrenceJobOptions): Job {
  return {
    name: 'attendance-recurrence',
    intervalMs: options.intervalMs ?? 5 * 60_000,
    async run({ now, signal }) {
      let created = 0;
      const failures: string[] = [];
      for (const session of await service.recurringDue(now, options.limit ?? 100)) {
        if (signal.aborted) break;
        const result = await service.nextOccurrence(session);
        if (!result.ok || !result.created) continue;
        created++;
        try {
          await options.onCreated(result.session, session);
        } catch (error) {
          failures.push(`session ${result.session.id} (created, not posted): ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) throw new Error(`${created} occurrence(s) created; ${failures.length} not posted: ${failures.join('; ')}`);
      return { summary: `${created} occurrence(s) created` };
    },
  };
}
