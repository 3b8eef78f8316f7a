/**
 * Runs interval jobs under database leases so that, with several instances sharing a database, each
 * due run happens on exactly one of them. A run's start, end, duration, outcome and error are stored
 * and readable at GET /api/v1/jobs. `stop()` stops the ticking and waits for runs in flight.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { JobRepository } from '../storage/job-repository.ts';
import type { Job } from './job.ts';

export type SchedulerOptions = {
  repository: JobRepository;
  instanceId: string;
  logger: Logger;
  tickMs: number;
  now?: () => number;
  /** Told of every finished run, for metrics. */
  onRunFinished?: (job: string, outcome: string, durationMs: number) => void;
};

export class JobScheduler {
  readonly #options: SchedulerOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #inFlight = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopping = false;
  #started = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  get #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  register(job: Job): void {
    if (this.#started) throw new Error(`job ${job.name} registered after the scheduler started`);
    if (this.#jobs.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    if (!(job.intervalMs > 0)) throw new Error(`job ${job.name} needs a positive interval`);
    this.#jobs.set(job.name, job);
  }

  get jobNames(): string[] {
    return [...this.#jobs.keys()];
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const now = this.#now;
    for (const job of this.#jobs.values()) {
      await this.#options.repository.ensureSchedule(job.name, job.intervalMs, now + (job.initialDelayMs ?? 0));
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      this.#ticking = this.tick().finally(() => {
        this.#ticking = undefined;
        this.#schedule();
      });
    }, this.#options.tickMs);
  }

  /** Claims and starts every due job not already running here. Exposed for tests. */
  async tick(): Promise<void> {
    for (const job of this.#jobs.values()) {
      if (this.#stopping) return;
      if (this.#inFlight.has(job.name)) continue;
      try {
        await this.#tryRun(job);
      } catch (error) {
        // A database hiccup must not stop the scheduler; the next tick tries again.
        this.#options.logger.error({ err: error, job: job.name }, 'job scheduling failed; will retry on the next tick');
      }
    }
  }

  async #tryRun(job: Job): Promise<void> {
    const { repository, instanceId, logger } = this.#options;
    const startedAt = this.#now;
    const timeoutMs = job.timeoutMs ?? job.intervalMs;
    // The lease outlives the timeout a little so that a slow but finishing run keeps it.
    const claimed = await repository.claim(job.name, instanceId, startedAt, startedAt + timeoutMs + 5_000);
    if (!claimed) return;
    const runId = randomUUID();
    await repository.recordStart({ id: runId, jobName: job.name, instanceId, startedAt });
    const abort = new AbortController();
    const promise = this.#execute(job, runId, startedAt, timeoutMs, abort).finally(() => this.#inFlight.delete(job.name));
    this.#inFlight.set(job.name, { promise, abort });
    logger.debug({ job: job.name, runId }, 'job run started');
  }

  async #execute(job: Job, runId: string, startedAt: number, timeoutMs: number, abort: AbortController): Promise<void> {
    const { repository, instanceId, logger } = this.#options;
    const timeout = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    let outcome: 'succeeded' | 'failed' | 'timed_out' = 'succeeded';
    let errorText: string | null = null;
    let summary: string | undefined;
    try {
      const result = await job.run({ signal: abort.signal, now: startedAt });
      summary = result?.summary;
    } catch (error) {
      outcome = abort.signal.aborted && !this.#stopping ? 'timed_out' : 'failed';
      errorText = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timeout);
    }
    const finishedAt = this.#now;
    const durationMs = Math.max(0, finishedAt - startedAt);
    try {
      await repository.finish({
        runId,
        jobName: job.name,
        owner: instanceId,
        finishedAt,
        durationMs,
        outcome,
        error: errorText,
        nextRunAt: startedAt + job.intervalMs,
      });
    } catch (error) {
      logger.error({ err: error, job: job.name, runId }, 'could not record the job run; its lease will expire');
    }
    this.#options.onRunFinished?.(job.name, outcome, durationMs);
    const fields = { job: job.name, runId, outcome, durationMs, ...(summary ? { summary } : {}) };
    if (outcome === 'succeeded') logger.info(fields, 'job run finished');
    else logger.warn({ ...fields, error: errorText }, 'job run did not succeed');
  }

  /** Stops ticking and waits for runs in flight; after `graceMs` they are asked to abort. */
  async stop(graceMs = 8_000): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#ticking;
    const runs = [...this.#inFlight.values()];
    if (runs.length === 0) return;
    const all = Promise.allSettled(runs.map((r) => r.promise));
    const grace = new Promise<'grace'>((resolve) => setTimeout(resolve, graceMs, 'grace').unref());
    if ((await Promise.race([all, grace])) === 'grace') {
      for (const run of runs) run.abort.abort(new Error('the process is shutting down'));
      await all;
    }
  }
}
