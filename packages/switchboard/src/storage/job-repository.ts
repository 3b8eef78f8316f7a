/**
 * Job schedules and their runs. A run starts by claiming the job's lease with one conditional UPDATE,
 * which both databases make atomic: of several instances, exactly one sees its update succeed.
 */
import type { Kysely } from 'kysely';
import type { JobOutcome, JobRunsTable, Tables } from './schema.ts';

export type JobRunRecord = {
  id: string;
  jobName: string;
  instanceId: string;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  outcome: JobOutcome;
  error: string | null;
};

export type JobOverview = {
  name: string;
  intervalMs: number;
  nextRunAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  lastRun: JobRunRecord | null;
};

function toRun(row: JobRunsTable): JobRunRecord {
  return {
    id: row.id,
    jobName: row.job_name,
    instanceId: row.instance_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    outcome: row.outcome,
    error: row.error,
  };
}

export class JobRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** Creates the schedule row when missing; keeps an existing one (another instance may own it). */
  async ensureSchedule(name: string, intervalMs: number, firstRunAt: number): Promise<void> {
    await this.#db
      .insertInto('job_schedules')
      .values({ name, interval_ms: intervalMs, next_run_at: firstRunAt, lease_owner: null, lease_expires_at: null })
      .onConflict((oc) => oc.column('name').doUpdateSet({ interval_ms: intervalMs }))
      .execute();
  }

  /** Takes the lease when the job is due and nobody holds a live lease. True when this caller won. */
  async claim(name: string, owner: string, now: number, leaseUntil: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('job_schedules')
      .set({ lease_owner: owner, lease_expires_at: leaseUntil })
      .where('name', '=', name)
      .where('next_run_at', '<=', now)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async recordStart(run: { id: string; jobName: string; instanceId: string; startedAt: number }): Promise<void> {
    await this.#db
      .insertInto('job_runs')
      .values({
        id: run.id,
        job_name: run.jobName,
        instance_id: run.instanceId,
        started_at: run.startedAt,
        finished_at: null,
        duration_ms: null,
        outcome: 'running',
        error: null,
      })
      .execute();
  }

  /** Records the outcome and releases the lease, scheduling the next run — only if we still hold it. */
  async finish(input: {
    runId: string;
    jobName: string;
    owner: string;
    finishedAt: number;
    durationMs: number;
    outcome: Exclude<JobOutcome, 'running'>;
    error: string | null;
    nextRunAt: number;
  }): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('job_runs')
        .set({ finished_at: input.finishedAt, duration_ms: input.durationMs, outcome: input.outcome, error: input.error })
        .where('id', '=', input.runId)
        .execute();
      await trx
        .updateTable('job_schedules')
        .set({ next_run_at: input.nextRunAt, lease_owner: null, lease_expires_at: null })
        .where('name', '=', input.jobName)
        .where('lease_owner', '=', input.owner)
        .execute();
    });
  }

  /** Every schedule with its latest run. */
  async overview(): Promise<JobOverview[]> {
    const schedules = await this.#db.selectFrom('job_schedules').selectAll().orderBy('name').execute();
    const result: JobOverview[] = [];
    for (const schedule of schedules) {
      const last = await this.#db
        .selectFrom('job_runs')
        .selectAll()
        .where('job_name', '=', schedule.name)
        .orderBy('started_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      result.push({
        name: schedule.name,
        intervalMs: schedule.interval_ms,
        nextRunAt: schedule.next_run_at,
        leaseOwner: schedule.lease_owner,
        leaseExpiresAt: schedule.lease_expires_at,
        lastRun: last ? toRun(last) : null,
      });
    }
    return result;
  }

  async runs(jobName: string, limit: number): Promise<JobRunRecord[]> {
    const rows = await this.#db
      .selectFrom('job_runs')
      .selectAll()
      .where('job_name', '=', jobName)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  /** Marks runs left `running` by an instance that died as abandoned. */
  async abandonStaleRuns(olderThan: number, now: number): Promise<number> {
    const result = await this.#db
      .updateTable('job_runs')
      .set({ outcome: 'abandoned', finished_at: now, error: 'the instance running it stopped before it finished' })
      .where('outcome', '=', 'running')
      .where('started_at', '<', olderThan)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Deletes finished runs older than the cutoff; returns how many. */
  async deleteRunsBefore(cutoff: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('job_runs')
      .where('started_at', '<', cutoff)
      .where('outcome', '!=', 'running')
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
