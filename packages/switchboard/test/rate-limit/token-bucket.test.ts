import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bucketFullAtMs, takeFromBucket } from '../../src/rate-limit/token-bucket.ts';
import type { BucketState, RateLimitRule } from '../../src/rate-limit/rate-limiter.ts';

const rule: RateLimitRule = { capacity: 5, refillPerSecond: 2 };

describe('takeFromBucket', () => {
  it('treats a missing state as a full bucket', () => {
    const { state, decision } = takeFromBucket(undefined, rule, 1_000);
    assert.deepEqual(decision, { allowed: true, remaining: 4, retryAfterMs: 0, resetAfterMs: 500 });
    assert.deepEqual(state, { tokens: 4, updatedAtMs: 1_000 });
  });

  it('allows exactly capacity requests at one instant, then denies with the time until one token', () => {
    let state: BucketState | undefined;
    const allowed: boolean[] = [];
    for (let i = 0; i < 7; i += 1) {
      const result = takeFromBucket(state, rule, 0);
      state = result.state;
      allowed.push(result.decision.allowed);
    }
    assert.deepEqual(allowed, [true, true, true, true, true, false, false]);
    const denied = takeFromBucket(state, rule, 0);
    assert.deepEqual(denied.decision, { allowed: false, remaining: 0, retryAfterMs: 500, resetAfterMs: 2_500 });
  });

  it('refills with elapsed time and never above capacity', () => {
    const empty: BucketState = { tokens: 0, updatedAtMs: 0 };
    assert.equal(takeFromBucket(empty, rule, 499).decision.allowed, false);
    assert.equal(takeFromBucket(empty, rule, 499).decision.retryAfterMs, 1);
    const after = takeFromBucket(empty, rule, 500);
    assert.equal(after.decision.allowed, true);
    assert.equal(after.decision.remaining, 0);
    const longAfter = takeFromBucket(empty, rule, 60_000);
    assert.equal(longAfter.state.tokens, 4);
  });

  it('does not take anything when denied', () => {
    const partial: BucketState = { tokens: 1.5, updatedAtMs: 0 };
    const { state, decision } = takeFromBucket(partial, rule, 0, 3);
    assert.equal(decision.allowed, false);
    assert.equal(state.tokens, 1.5);
    assert.equal(decision.retryAfterMs, 750);
    assert.equal(decision.resetAfterMs, 1_750);
  });

  it('honours the cost, and a cost of 0 only reports', () => {
    const big = takeFromBucket(undefined, rule, 0, 5);
    assert.deepEqual(big.decision, { allowed: true, remaining: 0, retryAfterMs: 0, resetAfterMs: 2_500 });
    const peek = takeFromBucket(big.state, rule, 1_000, 0);
    assert.deepEqual(peek.decision, { allowed: true, remaining: 2, retryAfterMs: 0, resetAfterMs: 1_500 });
  });

  it('says "never" for a cost above the capacity instead of a misleading wait', () => {
    const { decision } = takeFromBucket(undefined, rule, 0, 6);
    assert.equal(decision.allowed, false);
    assert.equal(decision.retryAfterMs, Infinity);
    assert.equal(decision.remaining, 5);
  });

  it('denies unusable rules and costs without touching the state', () => {
    const state: BucketState = { tokens: 3, updatedAtMs: 10 };
    for (const [badRule, cost] of [
      [{ capacity: 0, refillPerSecond: 1 }, 1],
      [{ capacity: 5, refillPerSecond: 0 }, 1],
      [{ capacity: Number.NaN, refillPerSecond: 1 }, 1],
      [rule, -1],
      [rule, Infinity],
    ] as const) {
      const result = takeFromBucket(state, badRule, 20, cost);
      assert.equal(result.decision.allowed, false);
      assert.equal(result.decision.retryAfterMs, Infinity);
      assert.equal(result.state, state);
    }
  });

  it('refills nothing when the clock goes backwards, and keeps the later timestamp', () => {
    const state: BucketState = { tokens: 1, updatedAtMs: 10_000 };
    const result = takeFromBucket(state, rule, 5_000);
    assert.equal(result.decision.allowed, true);
    assert.deepEqual(result.state, { tokens: 0, updatedAtMs: 10_000 });
  });
});

describe('bucketFullAtMs', () => {
  it('is the moment the bucket has refilled to capacity', () => {
    assert.equal(bucketFullAtMs({ tokens: 1, updatedAtMs: 1_000 }, rule), 3_000);
    assert.equal(bucketFullAtMs({ tokens: 5, updatedAtMs: 1_000 }, rule), 1_000);
  });
});
