/**
 * The rate-limiter contract shared by the in-memory and the Redis implementations, so that the runtime can
 * pick one by configuration and the callers never know which is behind it.
 */

/** A token bucket: holds at most `capacity` tokens and regains `refillPerSecond` tokens each second. */
export type RateLimitRule = { capacity: number; refillPerSecond: number };

/**
 * The answer to one `consume`. `retryAfterMs` is 0 when allowed, otherwise the wait until `cost` tokens are
 * available (`Infinity` when they never will be: the cost exceeds the capacity or the rule cannot refill).
 * `resetAfterMs` is the wait until the bucket is full again.
 */
export type RateLimitDecision = { allowed: boolean; remaining: number; retryAfterMs: number; resetAfterMs: number };

/** The stored state of one bucket: the tokens it held at `updatedAtMs` (fractional while refilling). */
export type BucketState = { tokens: number; updatedAtMs: number };

export interface RateLimiter {
  /** Takes `cost` tokens (default 1) from the bucket named `key` if it holds that many; takes nothing otherwise. */
  consume(key: string, rule: RateLimitRule, cost?: number): Promise<RateLimitDecision>;
  /** Releases what the limiter holds. */
  close(): Promise<void>;
}
