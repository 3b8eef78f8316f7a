import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REST_GLOBAL_REQUESTS_PER_SECOND } from 'discord-limits';
import { api, control, createTestGuild, withSim } from '../support/sim-helpers.ts';

test('per-route buckets: headers on every answer, then 429 with Retry-After and Discord\'s body', async () => {
  await withSim({}, async (sim) => {
    const { channels } = await createTestGuild(sim);
    const path = `/channels/${channels.general}/messages`;
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await api(sim, 'POST', path, { content: `m${i}` }));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200, 429]);
    const first = answers[0]?.headers;
    assert.equal(first?.get('x-ratelimit-limit'), '5');
    assert.equal(first?.get('x-ratelimit-remaining'), '4');
    assert.ok(Number(first?.get('x-ratelimit-reset-after')) > 0);
    assert.ok(Number(first?.get('x-ratelimit-reset')) > Date.now() / 1000);
    assert.match(first?.get('x-ratelimit-bucket') ?? '', /^[0-9a-f]{32}$/);
    const limited = answers[5];
    assert.equal(limited?.headers.get('x-ratelimit-scope'), 'user');
    assert.ok(Number(limited?.headers.get('retry-after')) > 0);
    assert.equal(limited?.body.global, false);
    assert.equal(limited?.body.message, 'You are being rate limited.');
    assert.equal(typeof limited?.body.retry_after, 'number');
    // Another channel is another bucket.
    assert.equal((await api(sim, 'POST', `/channels/${channels.support}/messages`, { content: 'elsewhere' })).status, 200);
  });
});

test('the global limit answers 429 with X-RateLimit-Global; realisticRateLimits: false disables every limit', async () => {
  await withSim({}, async (sim) => {
    const statuses = await Promise.all(Array.from({ length: REST_GLOBAL_REQUESTS_PER_SECOND + 10 }, () => api(sim, 'GET', '/users/@me')));
    const limited = statuses.filter((s) => s.status === 429);
    assert.ok(limited.length >= 1, 'some requests hit the global limit');
    assert.equal(limited[0]?.headers.get('x-ratelimit-global'), 'true');
    assert.equal(limited[0]?.headers.get('x-ratelimit-scope'), 'global');
    assert.equal(limited[0]?.body.global, true);
    const stats = await control<{ rest: { globalRateLimited: number } }>(sim, 'GET', '/stats');
    assert.equal(stats.rest.globalRateLimited, limited.length);
  });
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const { channels } = await createTestGuild(sim);
    const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => api(sim, 'POST', `/channels/${channels.general}/messages`, { content: `m${i}` })));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(answers[0]?.headers.get('x-ratelimit-limit'), null);
  });
});

test('a shared-scope 429 is not counted as an invalid request', async () => {
  await withSim({}, async (sim) => {
    await control(sim, 'POST', '/faults', { kind: 'ratelimit', route: '/users/@me', times: 2, retryAfterMs: 100, scope: 'shared' });
    assert.equal((await api(sim, 'GET', '/users/@me')).headers.get('x-ratelimit-scope'), 'shared');
    await control(sim, 'DELETE', '/faults');
    await control(sim, 'POST', '/faults', { kind: 'ratelimit', route: '/users/@me', times: 1, retryAfterMs: 100 });
    assert.equal((await api(sim, 'GET', '/users/@me')).status, 429);
    const stats = await control<{ rest: { rateLimited: number; invalidRequests: { lastWindow: number } } }>(sim, 'GET', '/stats');
    assert.equal(stats.rest.rateLimited, 2);
    assert.equal(stats.rest.invalidRequests.lastWindow, 1);
  });
});
