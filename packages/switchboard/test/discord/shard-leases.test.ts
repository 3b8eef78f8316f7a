import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ShardLeaseCoordinator, type ShardHost } from '../../src/discord/gateway/shard-leases.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { redisAvailability } from '../support/services.ts';

const redis = await redisAvailability();

/** A host that records what the coordinator asks of it. */
function recordingHost(): ShardHost & { running: Set<number>; calls: string[] } {
  const running = new Set<number>();
  const calls: string[] = [];
  return {
    running,
    calls,
    take: (id) => {
      calls.push(`take ${id}`);
      running.add(id);
    },
    handOver: async (id) => {
      calls.push(`handOver ${id}`);
      running.delete(id);
    },
    drop: async (id) => {
      calls.push(`drop ${id}`);
      running.delete(id);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ShardLeaseCoordinator: validation', () => {
  const base = { redis: {} as Redis, prefix: 'x:', instanceId: 'a', host: recordingHost(), logger: createLogger({ level: 'silent' }) };
  it('refuses preferred shards outside the count and a TTL too short for the poll interval', () => {
    assert.throws(() => new ShardLeaseCoordinator({ ...base, shardCount: 4, preferred: [4] }), /preferred shards 4 are not below the shard count 4/);
    assert.throws(() => new ShardLeaseCoordinator({ ...base, shardCount: 0, preferred: [] }), /shardCount must be a positive whole number/);
    assert.throws(() => new ShardLeaseCoordinator({ ...base, shardCount: 4, preferred: [], ttlMs: 1_000, intervalMs: 500 }), /more than twice the poll interval/);
  });
});

describe('ShardLeaseCoordinator [redis]', { skip: redis.available ? false : redis.reason }, () => {
  const clients: Redis[] = [];
  let admin: Redis;
  let prefix: string;

  before(() => {
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });

  after(async () => {
    const keys = await admin.keys('test:leases:*');
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
    for (const client of clients) client.disconnect();
  });

  function coordinator(instanceId: string, options: { preferred?: number[]; ttlMs?: number; client?: Redis } = {}) {
    const client = options.client ?? new Redis(redis.url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    const host = recordingHost();
    const leases = new ShardLeaseCoordinator({
      redis: client,
      prefix,
      instanceId,
      shardCount: 4,
      preferred: options.preferred ?? [],
      host,
      logger: createLogger({ level: 'silent' }),
      ttlMs: options.ttlMs ?? 2_000,
      intervalMs: 100,
    });
    return { leases, host, client };
  }

  const fresh = () => {
    prefix = `test:leases:${randomUUID()}:`;
  };

  it('an instance alone takes every shard from its second poll on; the lease keys name it and expire', async () => {
    fresh();
    const a = coordinator('a');
    await a.leases.poll();
    assert.deepEqual(a.leases.owned(), [], 'the first poll only joins');
    await a.leases.poll();
    assert.deepEqual(a.leases.owned(), [0, 1, 2, 3]);
    assert.deepEqual([...a.host.running].sort(), [0, 1, 2, 3]);
    assert.equal(await admin.get(a.leases.ownerKey(2)), a.leases.owner);
    assert.match(a.leases.owner, /^a:[0-9a-f]{8}$/);
    const ttl = await admin.pttl(a.leases.ownerKey(2));
    assert.ok(ttl > 0 && ttl <= 2_000, `pttl ${ttl}`);
  });

  it('instances that join get a fair share: the one above it hands over a shard per poll until 2 + 2', async () => {
    fresh();
    const a = coordinator('a');
    const b = coordinator('b');
    await a.leases.poll();
    await a.leases.poll();
    assert.deepEqual(a.leases.owned(), [0, 1, 2, 3]);
    for (let round = 0; round < 6; round++) {
      await b.leases.poll();
      await a.leases.poll();
    }
    assert.equal(a.leases.owned().length, 2);
    assert.equal(b.leases.owned().length, 2);
    assert.deepEqual([...a.leases.owned(), ...b.leases.owned()].sort(), [0, 1, 2, 3]);
    assert.deepEqual(a.host.calls.filter((c) => c.startsWith('handOver')).length, 2, 'exactly two hand-overs');
    assert.deepEqual(b.host.calls.sort(), b.leases.owned().map((id) => `take ${id}`).sort());
  });

  it('an instance joining two that hold 2 + 2 gets one: the most loaded hands one over', async () => {
    fresh();
    const a = coordinator('a');
    const c = coordinator('c');
    await a.leases.poll();
    await c.leases.poll();
    for (let round = 0; round < 4; round++) {
      await a.leases.poll();
      await c.leases.poll();
    }
    assert.deepEqual([a.leases.owned().length, c.leases.owned().length], [2, 2]);
    const b = coordinator('b');
    for (let round = 0; round < 4; round++) {
      await b.leases.poll();
      await a.leases.poll();
      await c.leases.poll();
    }
    assert.deepEqual([a.leases.owned().length, b.leases.owned().length, c.leases.owned().length].sort(), [1, 1, 2]);
    const handOvers = [...a.host.calls, ...c.host.calls].filter((call) => call.startsWith('handOver'));
    assert.equal(handOvers.length, 1, `one shard moved: ${handOvers.join(', ')}`);
  });

  it('takes its preferred shards first', async () => {
    fresh();
    const a = coordinator('a', { preferred: [2, 3] });
    const b = coordinator('b', { preferred: [0, 1] });
    await b.leases.poll(); // alone so far: its preferred 0 and 1 at once, the others at the next poll
    assert.deepEqual(b.leases.owned(), [0, 1]);
    await b.leases.poll();
    assert.deepEqual(b.leases.owned(), [0, 1, 2, 3]);
    for (let round = 0; round < 4; round++) {
      await a.leases.poll();
      await b.leases.poll();
    }
    assert.deepEqual(a.leases.owned(), [2, 3]);
    assert.deepEqual(b.leases.owned(), [0, 1]);
  });

  it('a dead instance\'s shards are taken by another once its leases expire', async () => {
    fresh();
    const dead = coordinator('dead', { ttlMs: 600 });
    const alive = coordinator('alive', { ttlMs: 600 });
    await dead.leases.poll();
    await dead.leases.poll();
    await alive.leases.poll();
    assert.deepEqual(alive.leases.owned(), []);
    // `dead` stops polling, as a killed process would; its leases and heartbeat run out.
    const died = Date.now();
    while (alive.leases.owned().length < 4) {
      assert.ok(Date.now() - died < 3_000, `taken over within 3 s (owned ${alive.leases.owned().join(',')})`);
      await sleep(100);
      await alive.leases.poll();
    }
    assert.ok(Date.now() - died >= 500, 'not before the leases expired');
    assert.deepEqual(alive.host.calls.sort(), ['take 0', 'take 1', 'take 2', 'take 3']);
  });

  it('stops a shard whose lease another instance holds now, and does not take it back', async () => {
    fresh();
    const a = coordinator('a');
    await a.leases.poll();
    await a.leases.poll();
    await admin.set(a.leases.ownerKey(1), 'elsewhere:00000000', 'PX', 10_000);
    await a.leases.poll();
    assert.deepEqual(a.leases.owned(), [0, 2, 3]);
    assert.ok(a.host.calls.includes('drop 1'));
    assert.equal(await admin.get(a.leases.ownerKey(1)), 'elsewhere:00000000', 'the other owner keeps its lease');
  });

  it('keeps its shards while Redis is unreachable within the TTL, and stops them once the leases may have expired', async () => {
    fresh();
    const a = coordinator('a', { ttlMs: 800 });
    await a.leases.poll();
    await a.leases.poll();
    a.client.disconnect();
    await a.leases.poll();
    assert.deepEqual(a.leases.owned(), [0, 1, 2, 3], 'still within the TTL');
    await sleep(800);
    await a.leases.poll();
    assert.deepEqual(a.leases.owned(), []);
    assert.deepEqual(a.host.calls.filter((c) => c.startsWith('drop')).sort(), ['drop 0', 'drop 1', 'drop 2', 'drop 3']);
  });

  it('stop hands every shard over, deletes the leases and leaves the live set', async () => {
    fresh();
    const a = coordinator('a');
    await a.leases.start();
    await a.leases.poll();
    assert.deepEqual(a.leases.owned(), [0, 1, 2, 3]);
    await a.leases.stop();
    assert.deepEqual(a.leases.owned(), []);
    assert.deepEqual(a.host.calls.filter((c) => c.startsWith('handOver')).sort(), ['handOver 0', 'handOver 1', 'handOver 2', 'handOver 3']);
    assert.deepEqual(await admin.mget([0, 1, 2, 3].map((id) => a.leases.ownerKey(id))), [null, null, null, null]);
    assert.equal(await admin.zscore(a.leases.instancesKey, a.leases.owner), null);
  });
});
