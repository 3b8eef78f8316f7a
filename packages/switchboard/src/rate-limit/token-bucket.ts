/**
 * The token-bucket arithmetic, pure so that both limiters share one definition and the tests need no clock.
 * The Redis limiter runs the same arithmetic in Lua, and its tests expect the same answers.
 */
import type { BucketState, RateLimitDecision, RateLimitRule } from './rate-limiter.ts';

/**
 * Whether a rule and cost can be evaluated at all. A rule that is not finite and positive, or a negative
 * cost, is a configuration mistake; the limiters deny such requests rather than guess.
 */
export function isUsableRule(rule: RateLimitRule, cost: number): boolean {
  return (
    Number.isFinite(rule.capacity) &&
    rule.capacity > 0 &&
    Number.isFinite(rule.refillPerSecond) &&
    rule.refillPerSecond > 0 &&
    Number.isFinite(cost) &&
    cost >= 0
  );
}

/** The denial given for an unusable rule or cost: nothing is taken and nothing will ever be allowed. */
export const UNUSABLE_RULE_DECISION: RateLimitDecision = Object.freeze({
  allowed: false,
  remaining: 0,
  retryAfterMs: Infinity,
  resetAfterMs: Infinity,
});

/** Rounding noise below this (in milliseconds) is ignored, so that 1.0000000000000009 ms waits 1 ms, not 2. */
export const ROUNDING_SLACK_MS = 1e-6;

/** Milliseconds until `missing` more tokens have dripped in, rounded up so that waiting that long suffices. */
function msToRefill(missing: number, rule: RateLimitRule): number {
  if (missing <= 0) return 0;
  return Math.max(1, Math.ceil((missing * 1000) / rule.refillPerSecond - ROUNDING_SLACK_MS));
}

/**
 * Refills the bucket to `nowMs`, then takes `cost` tokens if it holds that many. A missing state is a full
 * bucket. A clock that moved backwards refills nothing instead of draining the bucket.
 */
export function takeFromBucket(
  state: BucketState | undefined,
  rule: RateLimitRule,
  nowMs: number,
  cost = 1,
): { state: BucketState; decision: RateLimitDecision } {
  if (!isUsableRule(rule, cost)) {
    return { state: state ?? { tokens: rule.capacity, updatedAtMs: nowMs }, decision: UNUSABLE_RULE_DECISION };
  }
  const elapsedMs = state === undefined ? 0 : Math.max(0, nowMs - state.updatedAtMs);
  const before = state === undefined ? rule.capacity : Math.min(rule.capacity, state.tokens + (elapsedMs * rule.refillPerSecond) / 1000);
  const allowed = before >= cost;
  const tokens = allowed ? before - cost : before;
  let retryAfterMs = 0;
  if (!allowed) retryAfterMs = cost > rule.capacity ? Infinity : msToRefill(cost - tokens, rule);
  return {
    state: { tokens, updatedAtMs: state === undefined ? nowMs : Math.max(nowMs, state.updatedAtMs) },
    decision: { allowed, remaining: Math.floor(tokens), retryAfterMs, resetAfterMs: msToRefill(rule.capacity - tokens, rule) },
  };
}

/** The time at which a bucket is full again, after which its state carries no information and may be dropped. */
export function bucketFullAtMs(state: BucketState, rule: RateLimitRule): number {
  return state.updatedAtMs + msToRefill(rule.capacity - state.tokens, rule);
}
