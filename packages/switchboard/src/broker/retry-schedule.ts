/**
 * When a webhook delivery is tried: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each
 * failure (eight attempts over about 28 hours), each delay varied by ±20 % so that many deliveries failing
 * together do not come back together. After the last attempt fails the delivery is dead. `scale`
 * shrinks every delay (tests use a tiny one).
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The delay before each attempt, the first (at enqueue) included. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

export type RetryScheduleOptions = {
  delaysMs?: readonly number[];
  /** Multiplies every delay (default 1). */
  scale?: number;
  /** The share a delay may vary by either way (default 0.2). */
  jitter?: number;
  /** In [0, 1); default Math.random. */
  random?: () => number;
};

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/** How many attempts a delivery gets in all. */
export function maxAttempts(options: RetryScheduleOptions = {}): number {
  return (options.delaysMs ?? DEFAULT_RETRY_DELAYS_MS).length;
}

/** What to do after `attemptsMade` attempts have failed: try again after a delay, or give up. */
export function afterFailedAttempt(attemptsMade: number, options: RetryScheduleOptions = {}): RetryDecision {
  const delays = options.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const base = delays[attemptsMade];
  if (base === undefined) return { retry: false };
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const factor = 1 + jitter * (2 * random() - 1);
  return { retry: true, delayMs: Math.max(0, Math.round(base * (options.scale ?? 1) * factor)) };
}
