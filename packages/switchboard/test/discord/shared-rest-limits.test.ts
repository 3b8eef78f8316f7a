import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DiscordAPIError } from '@discordjs/rest';
import { Routes, type APIMessage } from 'discord-api-types/v10';
import { Redis } from 'ioredis';
import { GuardedRest, RestCallRefused } from '../../src/discord/guarded-rest.ts';
import { RestGuardrails, type BreakerChange } from '../../src/discord/rest-guardrails.ts';
import { SharedRestLimits } from '../../src/discord/shared-rest-limits.ts';
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { sampleValue } from '../support/metrics-text.ts';
import { redisAvailability } from '../support/services.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { tempFolder } from '../support/cli.ts';
import { testHub } from '../support/hub.ts';

const redis = await redisAvailability();

type RateLimitStats = { rest: { total: number; rateLimited: number; globalRateLimited: number } };

describe('SharedRestLimits: two REST clients sharing one token through Redis [redis]', { skip: redis.available ? false : redis.reason }, () => {
  const keyPrefix = `test:shared-rest:${randomUUID()}:`;
  const connections: Redis[] = [];
  const clients: GuardedRest[] = [];
  const limits: SharedRestLimits[] = [];
  let sim: TestSimulator;
  let channelId: string;

  before(async () => {
    sim = await startTestSimulator({ realisticRateLimits: true });
    channelId = sim.demo.channels.general ?? assert.fail('the demo guild has #general');
  });

  after(async () => {
    for (const shared of limits) await shared.close();
    for (const rest of clients) {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
    const cleaner = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const keys = await cleaner.keys(`${keyPrefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
    for (const connection of connections) connection.disconnect();
    await sim.close();
  });

  beforeEach(async () => {
    await sim.control('DELETE', '/faults');
    await sim.control('POST', '/ratelimits/reset');
    await sim.control('POST', '/stats/reset');
  });

  function sharedLimits(options: Partial<ConstructorParameters<typeof SharedRestLimits>[1]> = {}, url = redis.url): SharedRestLimits {
    const connection = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: url === redis.url ? undefined : () => null });
    connection.on('error', () => {});
    connections.push(connection);
    const shared = new SharedRestLimits(connection, { botToken: sim.botToken, keyPrefix, ...options });
    limits.push(shared);
    return shared;
  }

  function client(shared?: SharedRestLimits): GuardedRest {
    const rest = new GuardedRest({ version: '10', api: sim.apiBase }).setToken(sim.botToken) as GuardedRest;
    rest.sharedLimits = shared;
    clients.push(rest);
    return rest;
  }

  const stats = () => sim.control<RateLimitStats>('GET', '/stats');

  /** Four reactions from each client on one message: Discord's reaction bucket allows one per 250 ms per channel. */
  async function reactFromBoth(a: GuardedRest, b: GuardedRest, messageId: string): Promise<void> {
    const react = (rest: GuardedRest, i: number) => rest.put(Routes.channelMessageOwnReaction(channelId, messageId, encodeURIComponent(`${i}️⃣`)));
    await Promise.all([0, 1, 2, 3].flatMap((i) => [react(a, i), react(b, i + 4)]));
  }

  it("keeps two clients inside a route bucket that either alone would overrun together", async () => {
    const seed = client();
    const message = (await seed.post(Routes.channelMessages(channelId), { body: { content: 'react here' } })) as APIMessage;

    await sim.control('POST', '/ratelimits/reset');
    await sim.control('POST', '/stats/reset');
    await reactFromBoth(client(), client(), message.id);
    const alone = await stats();
    assert.ok(alone.rest.rateLimited > 0, 'two clients that do not share their buckets meet 429s');

    await sim.control('POST', '/ratelimits/reset');
    await sim.control('POST', '/stats/reset');
    await reactFromBoth(client(sharedLimits()), client(sharedLimits()), message.id);
    const together = await stats();
    assert.equal(together.rest.total, 8);
    assert.equal(together.rest.rateLimited, 0, 'sharing the bucket, not even its discovery met a 429');
  });

  it('keeps two clients inside the global limit that either alone would overrun together', async () => {
    // Forty reads each, every one on another channel: no route bucket binds, only the global limit.
    const readFromBoth = (a: GuardedRest, b: GuardedRest) =>
      Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => [a.get(Routes.channel(String(100000000000000000n + BigInt(i)))), b.get(Routes.channel(String(200000000000000000n + BigInt(i))))]).flat(),
      );

    const started = performance.now();
    const results = await readFromBoth(client(), client());
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof DiscordAPIError && r.reason.status === 404));
    const alone = await stats();
    assert.ok(alone.rest.globalRateLimited > 0, `two clients that do not share the global limit meet global 429s (${performance.now() - started} ms)`);

    await sim.control('POST', '/ratelimits/reset');
    await sim.control('POST', '/stats/reset');
    await readFromBoth(client(sharedLimits()), client(sharedLimits()));
    const together = await stats();
    assert.equal(together.rest.total, 80);
    assert.equal(together.rest.globalRateLimited, 0);
    assert.equal(together.rest.rateLimited, 0);
  });

  it('does not make interaction callbacks wait for, or write to, Redis', async () => {
    const shared = sharedLimits({ keyPrefix: `${keyPrefix}callbacks:` });
    const rest = client(shared);
    await assert.rejects(
      rest.post(Routes.interactionCallback('123456789012345678', 'some-token'), { body: { type: 4, data: { content: 'hi' } }, auth: false }),
      (error: unknown) => error instanceof DiscordAPIError && error.status === 404,
    );
    // One ordinary call afterwards, whose traces show what reached Redis.
    await rest.get(Routes.channel(channelId));
    const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await eventually(async () => (await probe.keys(`${shared.keyPrefix}bucket:*`)).length === 1, 'the ordinary call is recorded', 2_000);
      const keys = await probe.keys(`${shared.keyPrefix}*`);
      assert.ok(keys.every((key) => !key.includes('/interactions')), keys.join(', '));
      assert.equal(await probe.zcard(`${shared.keyPrefix}global`), 1, 'only the ordinary call spent the global limit');
    } finally {
      await probe.quit();
    }
  });

  it("trips both breakers on the token's invalid requests together, which neither would alone", async () => {
    const setup = () => {
      const shared = sharedLimits();
      const rest = client(shared);
      const trips: BreakerChange[] = [];
      const guardrails = new RestGuardrails(rest, { threshold: 20, closeBelow: 10, sharedInvalidRequests: shared.invalidRequests, onTrip: (change) => trips.push(change) });
      rest.guardrails = guardrails;
      return { shared, rest, guardrails, trips };
    };
    const a = setup();
    const b = setup();
    await sim.control('POST', '/faults', { kind: 'http', method: 'GET', route: '/channels/:id', status: 403, times: 20 });
    for (const side of [a, b]) {
      for (let i = 0; i < 10; i++) await assert.rejects(side.rest.get(Routes.channel(channelId)), DiscordAPIError);
    }
    assert.equal(a.guardrails.isBreakerOpen(), false, 'ten of its own are below the threshold');

    await a.shared.invalidRequests.sync();
    await b.shared.invalidRequests.sync();
    await a.shared.invalidRequests.sync();
    for (const side of [a, b]) {
      assert.equal(side.guardrails.invalidRequestCount(), 20);
      assert.equal(side.guardrails.isBreakerOpen(), true);
      assert.equal(side.trips.length, 1, 'the sync alone tripped it, without another call');
      await assert.rejects(side.rest.get(Routes.channel(channelId)), (error: unknown) => error instanceof RestCallRefused && error.reason === 'breaker-open');
    }
    a.guardrails.detach();
    b.guardrails.detach();
  });

  it('goes on with local limits when Redis is down, warning once and showing it in the metrics', async () => {
    const metrics = new HubMetrics({ defaultMetrics: false });
    const { logger, lines } = capturedLogger();
    const shared = sharedLimits({ metrics, logger, redisTimeoutMs: 200 }, 'redis://127.0.0.1:1');
    const rest = client(shared);
    const started = performance.now();
    for (let i = 0; i < 3; i++) assert.equal(((await rest.get(Routes.channel(channelId))) as { id: string }).id, channelId);
    assert.ok(performance.now() - started < 2_000, 'a dead Redis costs at most one timeout');
    assert.equal(shared.shared, false);
    assert.equal(lines.filter((line) => line.level === 'warn').length, 1);
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_discord_rest_limits_shared'), 0);
    assert.equal(shared.invalidRequests.total(), undefined, 'the shared count is unknown, so the breaker goes by its own');
  });
});

describe('the hub shares its REST limits when REDIS_URL is set [redis]', { skip: redis.available ? false : redis.reason }, () => {
  it('attaches the shared limits under REDIS_KEY_PREFIX, so that one hub learns the buckets another met', async () => {
    const sim = await startTestSimulator();
    const keyPrefix = `test:hub-rest:${randomUUID()}:`;
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase };
    const first = await testHub(openDatabase(`sqlite:${tempFolder()}/first.db`), env, { discord: true });
    const second = await testHub(openDatabase(`sqlite:${tempFolder()}/second.db`), env, { discord: true });
    const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      const channelId = sim.demo.channels.general ?? assert.fail('the demo guild has #general');
      const firstRest = first.discord?.rest ?? assert.fail('the first hub has a Discord connection');
      const secondRest = second.discord?.rest ?? assert.fail('the second hub has a Discord connection');
      assert.ok(firstRest.sharedLimits && secondRest.sharedLimits);
      assert.equal(firstRest.sharedLimits.keyPrefix, secondRest.sharedLimits.keyPrefix);
      assert.ok(firstRest.sharedLimits.keyPrefix.startsWith(keyPrefix));

      await firstRest.post(Routes.channelMessages(channelId), { body: { content: 'from the first hub' } });
      // The answer is written to Redis in the background.
      await eventually(async () => (await probe.keys(`${keyPrefix}*route:POST /channels/:id/messages`)).length === 1, 'the bucket of the route is in Redis', 2_000);
      const bucketKeys = await probe.keys(`${keyPrefix}*bucket:*:channels/${channelId}`);
      assert.equal(bucketKeys.length, 1);
      assert.equal(await probe.hget(bucketKeys[0]!, 'remaining'), '4');
      await secondRest.post(Routes.channelMessages(channelId), { body: { content: 'from the second hub' } });
      await eventually(async () => (await probe.hget(bucketKeys[0]!, 'remaining')) === '3', 'the second hub spent the same bucket', 2_000);
    } finally {
      await first.stop();
      await second.stop();
      const keys = await probe.keys(`${keyPrefix}*`);
      if (keys.length > 0) await probe.del(...keys);
      await probe.quit();
      await sim.close();
    }
  });
});
