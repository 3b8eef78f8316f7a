/**
 * A rate limiter for one process. Memory stays bounded without timers: buckets that have refilled to full
 * are indistinguishable from absent ones and are dropped when the map reaches its cap; if the map is still
 * too large, the least recently used buckets go, so a flood of distinct keys can never grow it without bound.
 */
import type { BucketState, RateLimitDecision, RateLimiter, RateLimitRule } from './rate-limiter.ts';
import { bucketFullAtMs, isUsableRule, takeFromBucket, UNUSABLE_RULE_DECISION } from './token-bucket.ts';

export type MemoryRateLimiterOptions = {
  /** The clock, in milliseconds; injectable for tests. */
  now?: () => number;
  /** The most buckets kept at once. */
  maxKeys?: number;
};

type Entry = { state: BucketState; fullAtMs: number };

const DEFAULT_MAX_KEYS = 10_000;
/** After a sweep the map is brought down to this share of the cap, so that sweeps stay rare (amortised O(1)). */
const LOW_WATER_RATIO = 0.9;

export class MemoryRateLimiter implements RateLimiter {
  readonly #now: () => number;
  readonly #maxKeys: number;
  /** Insertion order is recency order: a consumed key is moved to the end. */
  readonly #buckets = new Map<string, Entry>();

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxKeys = Math.max(1, Math.floor(options.maxKeys ?? DEFAULT_MAX_KEYS));
  }

  /** How many buckets are held; for metrics and tests. */
  get size(): number {
    return this.#buckets.size;
  }

  consume(key: string, rule: RateLimitRule, cost = 1): Promise<RateLimitDecision> {
    if (!isUsableRule(rule, cost)) return Promise.resolve(UNUSABLE_RULE_DECISION);
    const now = this.#now();
    const existing = this.#buckets.get(key);
    const { state, decision } = takeFromBucket(existing?.state, rule, now, cost);
    this.#buckets.delete(key);
    const fullAtMs = bucketFullAtMs(state, rule);
    if (fullAtMs > now) {
      if (this.#buckets.size >= this.#maxKeys) this.#shrink(now);
      this.#buckets.set(key, { state, fullAtMs });
    }
    return Promise.resolve(decision);
  }

  close(): Promise<void> {
    this.#buckets.clear();
    return Promise.resolve();
  }

  /** Drops full buckets, then the least recently used ones until the map is at the low-water mark. */
  #shrink(now: number): void {
    for (const [key, entry] of this.#buckets) {
      if (entry.fullAtMs <= now) this.#buckets.delete(key);
    }
    const target = Math.floor(this.#maxKeys * LOW_WATER_RATIO);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= Math.min(target, this.#maxKeys - 1)) break;
      this.#buckets.delete(key);
    }
  }
}
