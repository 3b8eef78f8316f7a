/** Keeps the job run history bounded: deletes runs older than the retention, and marks runs orphaned by a dead instance. */
import type { JobRepository } from '../storage/job-repository.ts';
import type { Job } from './job.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function jobRunRetentionJob(repository: JobRepository, retentionDays = 30): Job {
  return {
    name: 'job-run-retention',
    intervalMs: DAY_MS,
    timeoutMs: 10 * 60_000,
    async run({ now }) {
      const abandoned = await repository.abandonStaleRuns(now - DAY_MS, now);
      const deleted = await repository.deleteRunsBefore(now - retentionDays * DAY_MS);
      return { summary: `deleted ${deleted} runs older than ${retentionDays} days, marked ${abandoned} abandoned` };
    },
  };
}
