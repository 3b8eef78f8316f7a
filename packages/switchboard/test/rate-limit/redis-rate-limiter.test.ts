import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisRateLimiter } from '../../src/rate-limit/redis-rate-limiter.ts';
import { redisAvailability } from '../support/services.ts';

const redis = await redisAvailability();

describe('RedisRateLimiter [redis]', { skip: redis.available ? false : redis.reason }, () => {
  const prefix = `test:rate-limit:${randomUUID()}:`;
  let first: Redis;
  let second: Redis;

  before(() => {
    first = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    second = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });

  after(async () => {
    const keys = await first.keys(`${prefix}*`);
    if (keys.length > 0) await first.del(...keys);
    await new RedisRateLimiter(first, { quitOnClose: true }).close();
    await second.quit();
  });

  it('shares one budget between two instances on two connections', async () => {
    const a = new RedisRateLimiter(first, { prefix });
    const b = new RedisRateLimiter(second, { prefix });
    const rule = { capacity: 3, refillPerSecond: 0.1 };
    const results = [await a.consume('shared', rule), await b.consume('shared', rule), await a.consume('shared', rule)];
    assert.deepEqual(results.map((r) => [r.allowed, r.remaining]), [[true, 2], [true, 1], [true, 0]]);
    const denied = await b.consume('shared', rule);
    assert.equal(denied.allowed, false);
    // One token takes 10 s at 0.1 per second; a few milliseconds may already have dripped in.
    assert.ok(denied.retryAfterMs > 9_000 && denied.retryAfterMs <= 10_000, `retryAfterMs ${denied.retryAfterMs}`);
    assert.ok(denied.resetAfterMs > 29_000 && denied.resetAfterMs <= 30_000, `resetAfterMs ${denied.resetAfterMs}`);
  });

  it('allows exactly the capacity among 100 concurrent consumes', async () => {
    const a = new RedisRateLimiter(first, { prefix });
    const b = new RedisRateLimiter(second, { prefix });
    const rule = { capacity: 10, refillPerSecond: 0.01 };
    const decisions = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).consume('concurrent', rule)),
    );
    assert.equal(decisions.filter((d) => d.allowed).length, 10);
  });

  it('lets the key expire when the bucket would be full, and deletes it when already full', async () => {
    const limiter = new RedisRateLimiter(first, { prefix });
    const rule = { capacity: 4, refillPerSecond: 2 };
    const decision = await limiter.consume('expiring', rule, 3);
    assert.equal(decision.resetAfterMs, 1_500);
    const ttl = await first.pttl(`${prefix}expiring`);
    assert.ok(ttl > 0 && ttl <= 1_500, `pttl ${ttl}`);
    await limiter.consume('full', rule, 0);
    assert.equal(await first.exists(`${prefix}full`), 0);
  });

  it('refills over time', async () => {
    const limiter = new RedisRateLimiter(first, { prefix });
    const rule = { capacity: 1, refillPerSecond: 50 };
    assert.equal((await limiter.consume('refill', rule)).allowed, true);
    const denied = await limiter.consume('refill', rule);
    assert.equal(denied.allowed, false);
    await new Promise((resolve) => setTimeout(resolve, denied.retryAfterMs + 5));
    assert.equal((await limiter.consume('refill', rule)).allowed, true);
  });

  it('says "never" for a cost above the capacity, and denies unusable rules without a round trip', async () => {
    const limiter = new RedisRateLimiter(first, { prefix });
    const tooBig = await limiter.consume('big', { capacity: 2, refillPerSecond: 1 }, 3);
    assert.equal(tooBig.allowed, false);
    assert.equal(tooBig.retryAfterMs, Infinity);
    assert.equal(tooBig.remaining, 2);
    const unusable = await limiter.consume('bad', { capacity: 2, refillPerSecond: 0 });
    assert.equal(unusable.allowed, false);
    assert.equal(await first.exists(`${prefix}bad`), 0);
  });

  it('reloads the script after the server forgets it', async () => {
    const limiter = new RedisRateLimiter(first, { prefix });
    await first.script('FLUSH');
    const decision = await limiter.consume('reload', { capacity: 2, refillPerSecond: 1 });
    assert.deepEqual([decision.allowed, decision.remaining], [true, 1]);
  });
});
