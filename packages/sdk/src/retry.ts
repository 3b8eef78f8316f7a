/**
 * When to try a request again: only idempotent calls, only on 429 and 5xx, at most `maxRetries` times,
 * waiting what `Retry-After` says (or an exponential back-off), never longer than `maxDelayMs`.
 */

export interface RetryPolicy {
  /** How many times to try again after the first attempt. */
  maxRetries: number;
  /** The first back-off when the hub gives no `Retry-After`; doubled on each retry. */
  baseDelayMs: number;
  /** The longest wait; a `Retry-After` beyond it is not waited for (the error is thrown). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Whether an answer with this status may be retried. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** `Retry-After` in milliseconds: delay-seconds (fractions accepted) or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // An HTTP date names its day and month ("Thu, 01 Jan 2026 00:00:05 GMT"); Date.parse alone takes "-3" too.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * How long to wait before retry number `retry` (0-based), or undefined when no retry should be made:
 * the retries are used up, or the hub asks for a longer wait than the policy allows.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined): number | undefined {
  if (retry >= policy.maxRetries) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs <= policy.maxDelayMs ? retryAfterMs : undefined;
  const backoff = Math.min(policy.baseDelayMs * 2 ** retry, policy.maxDelayMs);
  // Equal jitter: half fixed, half random, so that many clients do not retry in step.
  return backoff / 2 + Math.random() * (backoff / 2);
}
