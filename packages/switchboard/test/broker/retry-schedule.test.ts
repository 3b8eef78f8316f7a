import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailedAttempt, DEFAULT_RETRY_DELAYS_MS, maxAttempts } from '../../src/broker/retry-schedule.ts';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;

describe('retry schedule', () => {
  it('is at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    assert.deepEqual(DEFAULT_RETRY_DELAYS_MS, [0, 5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]);
    assert.equal(maxAttempts(), 8);
  });

  it('without jitter, the delay after the n-th failure is the n-th retry delay', () => {
    const exact = { random: () => 0.5 };
    const delays = Array.from({ length: 7 }, (_, i) => afterFailedAttempt(i + 1, exact));
    assert.deepEqual(delays, [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H].map((delayMs) => ({ retry: true, delayMs })));
  });

  it('gives up after the eighth attempt', () => {
    assert.deepEqual(afterFailedAttempt(8), { retry: false });
    assert.deepEqual(afterFailedAttempt(9), { retry: false });
  });

  it('varies each delay by at most 20 % either way', () => {
    assert.deepEqual(afterFailedAttempt(2, { random: () => 0 }), { retry: true, delayMs: 4 * M });
    const highest = afterFailedAttempt(2, { random: () => 0.999999 });
    assert.ok(highest.retry && highest.delayMs <= 6 * M && highest.delayMs > 5.99 * M);
    for (let i = 0; i < 500; i += 1) {
      const decision = afterFailedAttempt(4, {});
      assert.ok(decision.retry);
      assert.ok(decision.delayMs >= 0.8 * 2 * H && decision.delayMs <= 1.2 * 2 * H, String(decision.delayMs));
    }
  });

  it('scales every delay for tests', () => {
    assert.deepEqual(afterFailedAttempt(7, { scale: 0.001, random: () => 0.5 }), { retry: true, delayMs: 36 * S });
    assert.deepEqual(afterFailedAttempt(1, { scale: 0.001, jitter: 0 }), { retry: true, delayMs: 5 });
  });

  it('takes another list of delays', () => {
    const delaysMs = [0, 100, 200];
    assert.deepEqual(afterFailedAttempt(2, { delaysMs, jitter: 0 }), { retry: true, delayMs: 200 });
    assert.deepEqual(afterFailedAttempt(3, { delaysMs, jitter: 0 }), { retry: false });
    assert.equal(maxAttempts({ delaysMs }), 3);
  });
});
