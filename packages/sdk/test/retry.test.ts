import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryableStatus, parseRetryAfter, retryDelay } from '../src/retry.ts';

test('Retry-After is read as seconds (with fractions) or as an HTTP date', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('2', now), 2000);
  assert.equal(parseRetryAfter(' 0.25 ', now), 250);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0, 'a date in the past means now');
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter('', now), undefined);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter('-3', now), undefined);
});

test('only 429 and 5xx are retryable', () => {
  assert.deepEqual([400, 401, 403, 404, 409, 429, 500, 503, 599].map(isRetryableStatus), [false, false, false, false, false, true, true, true, true]);
});

test('the delay honours Retry-After up to the cap, backs off otherwise, and stops after maxRetries', () => {
  const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(retryDelay(policy, 0, 700), 700);
  assert.equal(retryDelay(policy, 0, 1001), undefined, 'longer than the cap: give up');
  assert.equal(retryDelay(policy, 3, 0), undefined, 'retries used up');
  for (const [retry, full] of [[0, 100], [1, 200], [2, 400]] as const) {
    const delay = retryDelay(policy, retry, undefined);
    assert.ok(delay !== undefined && delay >= full / 2 && delay <= full, `retry ${retry}: ${delay} within [${full / 2}, ${full}]`);
  }
  const capped = retryDelay({ maxRetries: 20, baseDelayMs: 100, maxDelayMs: 1000 }, 10, undefined);
  assert.ok(capped !== undefined && capped <= 1000);
});
