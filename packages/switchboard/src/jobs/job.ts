/** A job that runs every `intervalMs`, on one instance at a time. */
export type Job = {
  /** Unique, stable: it names the lease and the run history. */
  name: string;
  intervalMs: number;
  /** A run longer than this is aborted through its signal and recorded as timed out. Defaults to the interval. */
  timeoutMs?: number;
  /** Wait this long after start before the first run (default: run at once when due). */
  initialDelayMs?: number;
  run(context: JobContext): Promise<JobResult | void>;
};

export type JobContext = {
  signal: AbortSignal;
  now: number;
};

/** What a run may report; it is logged with the run. */
export type JobResult = { summary: string };
