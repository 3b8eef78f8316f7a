import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { REST_GLOBAL_REQUESTS_PER_SECOND } from 'discord-limits';
import { GLOBAL_WINDOW_MS, RedisRestBuckets, ROUTE_WINDOW_MARGIN_MS } from '../../src/discord/redis-rest-buckets.ts';
import { redisAvailability } from '../support/services.ts';
import { connectRedisPair, type RedisPair } from '../support/redis-clients.ts';

const redis = await redisAvailability();

describe('RedisRestBuckets [redis]', { skip: redis.available ? false : redis.reason }, () => {
  const keyPrefix = `test:rest-buckets:${randomUUID()}:`;
  let first: Redis;
  let second: Redis;
  const buckets = (connection: Redis, token = 'bot-token', discoveryMs = 500) => new RedisRestBuckets(connection, { keyPrefix, botToken: token, discoveryMs });

  let pair: RedisPair;

  before(() => {
    pair = connectRedisPair(redis.url, keyPrefix);
    ({ first: first, second: second } = pair);
  });

  after(() => pair.close());

  it('lets the token make the global number of calls per window across instances, then says how long to wait', async () => {
    const a = buckets(first, 'global-token');
    const b = buckets(second, 'global-token');
    const waits = await Promise.all(Array.from({ length: REST_GLOBAL_REQUESTS_PER_SECOND + 5 }, (_, i) => (i % 2 ? a : b).takeGlobal()));
    assert.equal(waits.filter((wait) => wait === 0).length, REST_GLOBAL_REQUESTS_PER_SECOND);
    for (const wait of waits.filter((w) => w > 0)) assert.ok(wait > GLOBAL_WINDOW_MS - 200 && wait <= GLOBAL_WINDOW_MS, `wait ${wait}`);
    // Another token has its own budget.
    assert.equal(await buckets(first, 'another-token').takeGlobal(), 0);
  });

  it('pauses every instance after a global 429', async () => {
    const a = buckets(first, 'paused-token');
    const b = buckets(second, 'paused-token');
    await a.pauseGlobal(300);
    const wait = await b.takeGlobal();
    assert.ok(wait > 200 && wait <= 300, `wait ${wait}`);
  });

  it('lets one caller discover an unknown bucket while the others wait for its answer', async () => {
    const a = buckets(first);
    const b = buckets(second);
    const route = 'POST /channels/:id/messages';
    const placeholder = a.bucketKey(route, 'channels/1', await a.bucketOf(route));
    assert.deepEqual(await a.takeRoute(placeholder, 'a'), { taken: true, waitMs: 0, discovering: true });
    const waiting = await b.takeRoute(placeholder, 'b');
    assert.equal(waiting.taken, false);
    assert.equal(waiting.discovering, true);
    assert.ok(waiting.waitMs > 0 && waiting.waitMs <= 500);

    assert.equal(await a.recordRoute(route, 'channels/1', { hash: 'h1', limit: 3, remaining: 2, resetAfterMs: 1_000 }), true);
    assert.equal(await b.bucketOf(route), 'h1', 'the hash is shared');
    assert.equal(await first.exists(placeholder), 0, 'the placeholder is gone');

    const key = b.bucketKey(route, 'channels/1', 'h1');
    assert.equal((await b.takeRoute(key, 'b')).taken, true);
    assert.equal((await a.takeRoute(key, 'a')).taken, true);
    const empty = await b.takeRoute(key, 'b');
    assert.equal(empty.taken, false);
    assert.equal(empty.discovering, false);
    assert.ok(empty.waitMs > 800 && empty.waitMs <= 1_000, `waitMs ${empty.waitMs}`);

    // A late answer saying more remains cannot give back what was taken; another channel is another bucket.
    await a.recordRoute(route, 'channels/1', { hash: 'h1', limit: 3, remaining: 1, resetAfterMs: 900 });
    assert.equal((await a.takeRoute(key, 'a')).taken, false);
    assert.equal((await a.takeRoute(a.bucketKey(route, 'channels/2', 'h1'), 'a')).discovering, true);
  });

  it('refills a known bucket when its window ends, from the window length it learned plus a margin for late calls', async () => {
    const a = buckets(first);
    const route = 'DELETE /channels/:id/messages/:id';
    await a.recordRoute(route, 'channels/3', { hash: 'h2', limit: 2, remaining: 0, resetAfterMs: 100 });
    const key = a.bucketKey(route, 'channels/3', 'h2');
    assert.equal((await a.takeRoute(key, 'a')).taken, false);
    await sleep(120);
    assert.equal((await a.takeRoute(key, 'a')).taken, true);
    assert.equal((await a.takeRoute(key, 'a')).taken, true);
    const third = await a.takeRoute(key, 'a');
    assert.equal(third.taken, false);
    const window = 100 + ROUTE_WINDOW_MARGIN_MS;
    assert.ok(third.waitMs > window - 50 && third.waitMs <= window, `waitMs ${third.waitMs}`);
  });

  it('ignores an answer about a window that is already over, and lets a later reset extend the current one', async () => {
    const a = buckets(first);
    const route = 'PATCH /channels/:id';
    await a.recordRoute(route, 'channels/4', { hash: 'h3', limit: 1, remaining: 1, resetAfterMs: 1_000 });
    assert.equal(await a.recordRoute(route, 'channels/4', { hash: 'h3', limit: 1, remaining: 0, resetAfterMs: 100 }), false);
    const key = a.bucketKey(route, 'channels/4', 'h3');
    assert.equal((await a.takeRoute(key, 'a')).taken, true, 'the stale answer did not empty the bucket');
    await a.recordRoute(route, 'channels/4', { hash: 'h3', limit: 1, remaining: 0, resetAfterMs: 2_000 });
    const wait = await a.takeRoute(key, 'a');
    assert.ok(wait.waitMs > 1_500 && wait.waitMs <= 2_000, `waitMs ${wait.waitMs}`);
  });

  it('ends a discovery that got no answer only for its owner, and remembers routes without buckets', async () => {
    const a = buckets(first);
    const route = 'GET /guilds/:id/roles';
    const key = a.bucketKey(route, 'guilds/5', null);
    assert.equal((await a.takeRoute(key, 'owner')).discovering, true);
    await a.releaseDiscovery(key, 'someone-else');
    assert.equal((await a.takeRoute(key, 'other')).taken, false);
    await a.releaseDiscovery(key, 'owner');
    assert.deepEqual(await a.takeRoute(key, 'other'), { taken: true, waitMs: 0, discovering: true });

    await a.recordUnlimited(route, 'guilds/5');
    assert.equal(await a.bucketOf(route), 'unlimited');
    assert.equal(await first.exists(key), 0);
  });

  it('keeps the token itself out of Redis', async () => {
    const a = buckets(first, 'a-very-secret-token');
    await a.takeGlobal();
    const keys = await first.keys(`${keyPrefix}*`);
    assert.ok(keys.length > 0);
    assert.ok(keys.every((key) => !key.includes('a-very-secret-token')));
    assert.throws(() => buckets(first, ''), /needs the bot token/);
  });
});
