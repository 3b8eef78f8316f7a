/** The least time requests need under fixed-window limits: per bucket, the global limit, and nothing at all. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { minimumTime } from '../../src/rest/minimum-time.ts';
import { RateLimiter } from '../../src/rest/rate-limiter.ts';

describe('minimumTime', () => {
  it('is zero for nothing, and for requests that fit in one window', () => {
    assert.deepEqual(minimumTime([], null), { minimumMs: 0, bindingBucket: null, buckets: 0, requests: 0 });
    assert.equal(minimumTime([{ bucket: 'a', limit: 10, windowMs: 10_000, count: 10 }], null).minimumMs, 0);
  });

  it('counts the windows after the first for the slowest bucket', () => {
    const result = minimumTime(
      [
        { bucket: 'thread-create:1', limit: 10, windowMs: 10_000, count: 40 },
        { bucket: 'thread-create:2', limit: 10, windowMs: 10_000, count: 41 },
        { bucket: 'message-create:3', limit: 5, windowMs: 5_000, count: 6 },
      ],
      { bucket: 'global', limit: 50, windowMs: 1_000, count: 87 },
    );
    assert.deepEqual(result, { minimumMs: 40_000, bindingBucket: 'thread-create:2', buckets: 3, requests: 87 });
  });

  it('lets the global limit bind when it is the tighter one', () => {
    const result = minimumTime([{ bucket: 'default:x', limit: 50, windowMs: 1_000, count: 60 }], { bucket: 'global', limit: 50, windowMs: 1_000, count: 500 });
    assert.deepEqual([result.minimumMs, result.bindingBucket], [9_000, 'global']);
  });
});

describe('RateLimiter usage', () => {
  it('records what it let through (not the refused request) per bucket and major parameter, and forgets it on reset', () => {
    const limiter = new RateLimiter(true);
    const spec = { name: 'thread-create', limit: 2, windowMs: 10_000 };
    for (let i = 0; i < 3; i++) limiter.checkRoute(spec, 'channel-1', 1_000);
    limiter.checkRoute(spec, 'channel-1', 11_000);
    limiter.checkRoute(spec, 'channel-1', 11_001);
    assert.deepEqual(limiter.minimumTime(), { minimumMs: 10_000, bindingBucket: 'thread-create:channel-1', buckets: 1, requests: 4 });
    limiter.reset();
    assert.equal(limiter.minimumTime().requests, 0);
  });
});
