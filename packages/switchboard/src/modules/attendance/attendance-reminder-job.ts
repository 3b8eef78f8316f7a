/**
 * Sends the reminders that are due: each is claimed (marked sent where it was not) before `send` is called,
 * so that two instances never send the same one; a reminder whose sending failed is given back for the next
 * run. A run in which a sending failed is reported as failed, after every other reminder has been handled.
 */
import type { Job } from '../../jobs/job.ts';
import type { AttendanceService, DueReminder } from './attendance-service.ts';

export type AttendanceReminderJobOptions = {
  intervalMs?: number;
  limit?: number;
  /** Sends the reminder to the member (the Discord side). */
  send(due: DueReminder): Promise<void>;
};

export function attendanceReminderJob(service: AttendanceService, options: AttendanceReminderJobOptions): Job {
  return {
    name: 'attendance-reminders',
    intervalMs: options.intervalMs ?? 60_000,
    async run({ now, signal }) {
      let sent = 0;
      const failures: string[] = [];
      for (const due of await service.dueReminders(now, options.limit ?? 200)) {
        if (signal.aborted) break;
        if (!(await service.claimReminder(due.reminder, now))) continue;
        try {
          await options.send(due);
          sent++;
        } catch (error) {
          await service.releaseReminder(due.reminder, now);
          failures.push(`reminder of ${due.reminder.userId} for session ${due.session.id}: ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) throw new Error(`${sent} reminder(s) sent; ${failures.length} failed: ${failures.join('; ')}`);
      return { summary: `${sent} reminder(s) sent` };
    },
  };
}
