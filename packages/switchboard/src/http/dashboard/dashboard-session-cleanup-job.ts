/** Hourly: deletes dashboard sessions that have expired, so that the table holds only sessions that can still be used. */
import type { Job } from '../../jobs/job.ts';
import type { DashboardSessions } from './dashboard-sessions.ts';

export function dashboardSessionCleanupJob(sessions: Pick<DashboardSessions, 'deleteExpired'>): Job {
  return {
    name: 'dashboard-session-cleanup',
    intervalMs: 60 * 60_000,
    timeoutMs: 5 * 60_000,
    async run() {
      const deleted = await sessions.deleteExpired();
      return { summary: `deleted ${deleted} expired dashboard sessions` };
    },
  };
}
