/**
 * Reconnect delays: exponential backoff with full jitter, so that many instances that lost Discord at the
 * same moment do not all come back at the same moment. The random source is injectable for tests.
 */

export type BackoffPolicy = { baseMs: number; capMs: number };

/** The longest delay `setTimeout` honours; a larger (or infinite) cap is treated as this. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A whole number of milliseconds drawn uniformly from [0, min(capMs, baseMs·2^attempt)]; attempt 0 is the first retry. */
export function backoffDelay(attempt: number, { baseMs, capMs }: BackoffPolicy, random: () => number = Math.random): number {
  const safeAttempt = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt)) : 0;
  const ceiling = Math.max(0, Math.floor(Math.min(capMs, baseMs * 2 ** safeAttempt, MAX_TIMER_DELAY_MS)));
  // Clamped so that a random source that strays outside [0, 1) still yields a delay inside the range.
  const draw = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(draw * (ceiling + 1));
}

/** A delay in words for people: "now", "in 12 s", "in 3 min", "in 2 h". */
export function describeDelay(ms: number): string {
  if (Number.isNaN(ms)) return 'at an unknown time';
  if (ms === Infinity) return 'never';
  if (ms <= 0) return 'now';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}
