import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { parseStoredSession, RedisSessionStore } from '../../src/discord/gateway/redis-session-store.ts';
import { redisAvailability } from '../support/services.ts';
import { connectRedisPair, type RedisPair } from '../support/redis-clients.ts';

const redis = await redisAvailability();

describe('parseStoredSession', () => {
  it('reads a stored session and treats anything else as none', () => {
    assert.deepEqual(parseStoredSession('{"sessionId":"s","resumeUrl":"wss://r","sequence":7}'), { sessionId: 's', resumeUrl: 'wss://r', sequence: 7 });
    assert.equal(parseStoredSession(null), null);
    assert.equal(parseStoredSession('not json'), null);
    assert.equal(parseStoredSession('{"sessionId":"s","resumeUrl":"wss://r","sequence":"7"}'), null);
  });
});

describe('RedisSessionStore [redis]', { skip: redis.available ? false : redis.reason }, () => {
  const prefix = `test:sessions:${randomUUID()}:`;
  let client: Redis;
  let other: Redis;
  let pair: RedisPair;

  before(() => {
    pair = connectRedisPair(redis.url, prefix);
    ({ first: client, second: other } = pair);
  });

  after(() => pair.close());

  it('a session set on one instance is read by another; null forgets it', async () => {
    const mine = new RedisSessionStore(client, { prefix });
    const theirs = new RedisSessionStore(other, { prefix });
    await mine.set(3, { sessionId: 'abc', resumeUrl: 'wss://resume', sequence: 10 });
    assert.deepEqual(await theirs.get(3), { sessionId: 'abc', resumeUrl: 'wss://resume', sequence: 10 });
    assert.equal(await theirs.get(4), null);
    const ttl = await client.pttl(mine.key(3));
    assert.ok(ttl > 0 && ttl <= 15 * 60_000, `the key expires (pttl ${ttl})`);
    await mine.set(3, null);
    assert.equal(await theirs.get(3), null);
  });

  it('batches sequence advances: written after the debounce, or at once by flush', async () => {
    const mine = new RedisSessionStore(client, { prefix, debounceMs: 150 });
    const theirs = new RedisSessionStore(other, { prefix });
    await mine.set(1, { sessionId: 's1', resumeUrl: 'wss://r', sequence: 1 });
    for (let sequence = 2; sequence <= 50; sequence++) mine.advance(1, { sessionId: 's1', resumeUrl: 'wss://r', sequence });
    assert.equal((await theirs.get(1))?.sequence, 1, 'not written yet');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await theirs.get(1))?.sequence, 50, 'written after the debounce');
    mine.advance(1, { sessionId: 's1', resumeUrl: 'wss://r', sequence: 51 });
    await mine.flush();
    assert.equal((await theirs.get(1))?.sequence, 51, 'flush writes at once');
  });

  it('a set after an advance wins: the held-back sequence is dropped, never written over the newer value', async () => {
    const mine = new RedisSessionStore(client, { prefix, debounceMs: 50 });
    mine.advance(2, { sessionId: 'old', resumeUrl: 'wss://r', sequence: 99 });
    await mine.set(2, { sessionId: 'new', resumeUrl: 'wss://r', sequence: 1 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    await mine.flush();
    assert.deepEqual(await mine.get(2), { sessionId: 'new', resumeUrl: 'wss://r', sequence: 1 });
  });
});
