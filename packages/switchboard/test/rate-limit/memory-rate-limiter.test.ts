import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRateLimiter } from '../../src/rate-limit/memory-rate-limiter.ts';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('MemoryRateLimiter', () => {
  it('keeps a separate bucket per key', async () => {
    const time = clock();
    const limiter = new MemoryRateLimiter({ now: time.now });
    const rule = { capacity: 2, refillPerSecond: 1 };
    assert.equal((await limiter.consume('a', rule)).allowed, true);
    assert.equal((await limiter.consume('a', rule)).allowed, true);
    const denied = await limiter.consume('a', rule);
    assert.equal(denied.allowed, false);
    assert.equal(denied.retryAfterMs, 1_000);
    assert.equal((await limiter.consume('b', rule)).allowed, true);
  });

  it('refills with the injected clock', async () => {
    const time = clock();
    const limiter = new MemoryRateLimiter({ now: time.now });
    const rule = { capacity: 1, refillPerSecond: 4 };
    await limiter.consume('k', rule);
    assert.equal((await limiter.consume('k', rule)).allowed, false);
    time.advance(249);
    assert.equal((await limiter.consume('k', rule)).retryAfterMs, 1);
    time.advance(1);
    assert.equal((await limiter.consume('k', rule)).allowed, true);
  });

  it('does not store buckets that are still full', async () => {
    const limiter = new MemoryRateLimiter({ now: () => 0 });
    await limiter.consume('peek', { capacity: 3, refillPerSecond: 1 }, 0);
    assert.equal(limiter.size, 0);
  });

  it('stays within its cap under a flood of distinct keys, dropping refilled buckets first', async () => {
    const time = clock();
    const limiter = new MemoryRateLimiter({ now: time.now, maxKeys: 100 });
    const rule = { capacity: 5, refillPerSecond: 1 };
    // One busy key that must survive the flood with its budget spent.
    for (let i = 0; i < 5; i += 1) await limiter.consume('busy', rule);
    for (let i = 0; i < 10_000; i += 1) {
      await limiter.consume(`flood-${i}`, rule);
      if (i % 50 === 0) await limiter.consume('busy', rule, 0);
      assert.ok(limiter.size <= 100, `size ${limiter.size} exceeds the cap`);
    }
    assert.equal((await limiter.consume('busy', rule)).allowed, false);
    // Once everything has refilled, the next sweep clears the map down to the newcomer.
    time.advance(60_000);
    for (let i = 0; i < 2; i += 1) await limiter.consume(`late-${i}`, rule);
    assert.ok(limiter.size <= 100);
  });

  it('sweeps refilled buckets before evicting live ones', async () => {
    const time = clock();
    const limiter = new MemoryRateLimiter({ now: time.now, maxKeys: 10 });
    const slow = { capacity: 1, refillPerSecond: 0.001 };
    const fast = { capacity: 1, refillPerSecond: 1_000 };
    await limiter.consume('slow', slow);
    for (let i = 0; i < 9; i += 1) await limiter.consume(`fast-${i}`, fast);
    assert.equal(limiter.size, 10);
    time.advance(10);
    await limiter.consume('new', fast);
    assert.equal(limiter.size, 2);
    assert.equal((await limiter.consume('slow', slow)).allowed, false);
  });

  it('forgets everything on close', async () => {
    const limiter = new MemoryRateLimiter({ now: () => 0 });
    await limiter.consume('k', { capacity: 1, refillPerSecond: 1 });
    await limiter.close();
    assert.equal(limiter.size, 0);
    assert.equal((await limiter.consume('k', { capacity: 1, refillPerSecond: 1 })).allowed, true);
  });
});
