import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisIdentifyGate } from '../../src/discord/gateway/redis-identify-gate.ts';
import { redisAvailability } from '../support/services.ts';
import { connectRedisPair, type RedisPair } from '../support/redis-clients.ts';

const redis = await redisAvailability();

describe('RedisIdentifyGate [redis]', { skip: redis.available ? false : redis.reason }, () => {
  let first: Redis;
  let second: Redis;
  let pair: RedisPair;

  before(() => {
    pair = connectRedisPair(redis.url);
    ({ first: first, second: second } = pair);
  });

  after(() => pair.close());

  const gates = (maxConcurrency: number, windowMs: number) => {
    const prefix = `test:identify:${randomUUID()}:`;
    return [
      new RedisIdentifyGate(first, { prefix, maxConcurrency, windowMs, holder: 'a' }),
      new RedisIdentifyGate(second, { prefix, maxConcurrency, windowMs, holder: 'b' }),
    ] as const;
  };

  it('lets one identify per bucket and window through across two instances', async () => {
    const [a, b] = gates(1, 300);
    const started = Date.now();
    const times: number[] = [];
    await Promise.all([0, 1, 2].map((shard, i) => (i % 2 === 0 ? a : b).wait(shard).then(() => times.push(Date.now() - started))));
    times.sort((x, y) => x - y);
    assert.ok(times[0]! < 150, `the first goes at once (${times[0]} ms)`);
    assert.ok(times[1]! >= 290 && times[2]! - times[1]! >= 290, `then one per window: ${times.join(', ')} ms`);
  });

  it('keeps buckets apart: with max_concurrency 2, shards 0 and 1 identify together', async () => {
    const [a, b] = gates(2, 1_000);
    const started = Date.now();
    await Promise.all([a.wait(0), b.wait(1)]);
    assert.ok(Date.now() - started < 300, `both at once (${Date.now() - started} ms)`);
    assert.equal(a.key(2), a.key(0), 'shard 2 shares bucket 0');
  });

  it('stops waiting when aborted, with the signal reason', async () => {
    const [a, b] = gates(1, 5_000);
    await a.wait(0);
    const controller = new AbortController();
    const waiting = b.wait(1, controller.signal);
    setTimeout(() => controller.abort(new Error('closing')), 50);
    await assert.rejects(waiting, /closing/);
  });
});
