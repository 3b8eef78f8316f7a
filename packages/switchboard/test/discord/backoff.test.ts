import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, describeDelay, MAX_TIMER_DELAY_MS } from '../../src/discord/backoff.ts';

const policy = { baseMs: 1_000, capMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling with each attempt', () => {
    const top = () => 1 - Number.EPSILON;
    assert.deepEqual([0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, top)), [1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('never goes above the cap, even for huge attempts', () => {
    const top = () => 0.999999999;
    assert.equal(backoffDelay(5, policy, top), 30_000);
    assert.equal(backoffDelay(10_000, policy, top), 30_000);
  });

  it('spreads delays over the whole range (full jitter)', () => {
    assert.equal(backoffDelay(3, policy, () => 0), 0);
    assert.equal(backoffDelay(3, policy, () => 0.5), 4_000);
    assert.equal(backoffDelay(3, policy, () => 0.25), 2_000);
  });

  it('stays in range for odd inputs', () => {
    assert.equal(backoffDelay(-3, policy, () => 0.5), 500);
    assert.equal(backoffDelay(Number.NaN, policy, () => 0.5), 500);
    assert.equal(backoffDelay(2, policy, () => 7), 4_000);
    assert.equal(backoffDelay(2, policy, () => -1), 0);
    assert.equal(backoffDelay(2, { baseMs: 0, capMs: 0 }, () => 0.9), 0);
    assert.equal(backoffDelay(5_000, { baseMs: 1_000, capMs: Infinity }, () => 1 - Number.EPSILON), MAX_TIMER_DELAY_MS);
  });

  it('with Math.random, always lands inside [0, ceiling]', () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
      for (let i = 0; i < 200; i += 1) {
        const delay = backoffDelay(attempt, policy);
        assert.ok(Number.isInteger(delay) && delay >= 0 && delay <= ceiling, `attempt ${attempt}: ${delay}`);
      }
    }
  });
});

describe('describeDelay', () => {
  it('speaks in seconds below a minute, rounding up', () => {
    assert.equal(describeDelay(12_000), 'in 12 s');
    assert.equal(describeDelay(1), 'in 1 s');
    assert.equal(describeDelay(59_000), 'in 59 s');
    assert.equal(describeDelay(59_001), 'in 1 min');
  });

  it('speaks in minutes, then hours', () => {
    assert.equal(describeDelay(180_000), 'in 3 min');
    assert.equal(describeDelay(90_000), 'in 2 min');
    assert.equal(describeDelay(2 * 3_600_000), 'in 2 h');
  });

  it('covers now, never and nonsense', () => {
    assert.equal(describeDelay(0), 'now');
    assert.equal(describeDelay(-5), 'now');
    assert.equal(describeDelay(Infinity), 'never');
    assert.equal(describeDelay(Number.NaN), 'at an unknown time');
  });
});
