import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SwitchboardClient, SwitchboardError, SwitchboardNetworkError, SwitchboardTimeoutError } from '../src/index.ts';
import type { App, RegisterAppInput } from '../src/index.ts';
import { startStubHub, type StubHub, type StubReply } from './support/stub-hub.ts';

const app: App = {
  id: 'my-app',
  name: 'My app',
  callbackUrl: 'https://app.example/hooks',
  events: ['message.create'],
  guilds: ['100'],
  subscribedChannels: [],
  channels: { announcements: '200' },
  status: 'offline',
  lastHeartbeatAt: null,
  endpointDisabled: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

const hubs: StubHub[] = [];
after(async () => {
  await Promise.all(hubs.map((hub) => hub.close()));
});

async function hub(reply: (index: number) => StubReply): Promise<StubHub> {
  const started = await startStubHub((_request, index) => reply(index));
  hubs.push(started);
  return started;
}

const fastRetry = { baseDelayMs: 1, maxDelayMs: 5_000 };

describe('SwitchboardClient calls', () => {
  test('register posts the input with the admin token and returns a client acting as the new app', async () => {
    const stub = await hub((index) =>
      index === 0
        ? { status: 201, data: { app, token: 'app-token', signingSecret: 'whsec_abc' } }
        : { data: { status: 'online', lastHeartbeatAt: '2026-01-01T00:00:01.000Z', heartbeatIntervalSeconds: 30 } },
    );
    const input: RegisterAppInput = { id: 'my-app', name: 'My app', callbackUrl: app.callbackUrl, events: ['message.create'], guilds: ['100'] };
    const registered = await SwitchboardClient.register(`${stub.url}/`, 'admin-token', input);

    const request = stub.requests[0];
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/api/v1/apps');
    assert.equal(request.headers.authorization, 'Bearer admin-token');
    assert.match(String(request.headers['content-type']), /^application\/json/);
    assert.deepEqual(request.body, input);
    assert.equal(registered.token, 'app-token');
    assert.equal(registered.signingSecret, 'whsec_abc');
    assert.deepEqual(registered.app, app);
    assert.equal(registered.client.appId, 'my-app');

    const beat = await registered.client.heartbeat();
    assert.equal(beat.heartbeatIntervalSeconds, 30);
    const second = stub.requests[1];
    assert.ok(second);
    assert.equal(second.path, '/api/v1/apps/my-app/heartbeat');
    assert.equal(second.headers.authorization, 'Bearer app-token');
  });

  test('get reads the attached app, or another app with an admin token', async () => {
    const stub = await hub(() => ({ data: app }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't' });
    assert.deepEqual(await client.get(), app);
    await new SwitchboardClient({ baseUrl: stub.url, token: 'admin' }).get('other-app');
    assert.deepEqual(stub.requests.map((r) => [r.method, r.path, r.rawBody]), [
      ['GET', '/api/v1/apps/my-app', ''],
      ['GET', '/api/v1/apps/other-app', ''],
    ]);
    assert.equal(stub.requests[1]?.headers.authorization, 'Bearer admin');
  });

  test('send posts to a channel id or a named channel and returns the ids', async () => {
    const stub = await hub(() => ({ status: 201, data: { messageId: '900', channelId: '200' } }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't' });
    const components = [{ type: 1 as const, components: [{ type: 2 as const, style: 1 as const, custom_id: 'vote:yes', label: 'Yes' }] }];
    assert.deepEqual(await client.send({ channelId: '200', content: 'hello', components }), { messageId: '900', channelId: '200' });
    await client.send({ channel: 'announcements', embeds: [{ title: 'News' }] });
    const [first, second] = stub.requests;
    assert.equal(first?.method, 'POST');
    assert.equal(first?.path, '/api/v1/apps/my-app/messages');
    assert.deepEqual(first?.body, { channelId: '200', content: 'hello', components });
    assert.deepEqual(second?.body, { channel: 'announcements', embeds: [{ title: 'News' }] });
  });

  test('edit and delete address the message, with path segments encoded', async () => {
    const stub = await hub((index) => ({ data: index === 0 ? { messageId: '9/0', channelId: '200' } : { deleted: true } }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't' });
    assert.deepEqual(await client.edit('9/0', { content: 'changed' }), { messageId: '9/0', channelId: '200' });
    assert.equal(await client.delete('900'), undefined);
    assert.deepEqual(stub.requests.map((r) => [r.method, r.path, r.body]), [
      ['PATCH', '/api/v1/apps/my-app/messages/9%2F0', { content: 'changed' }],
      ['DELETE', '/api/v1/apps/my-app/messages/900', undefined],
    ]);
    assert.equal(stub.requests[1]?.headers['content-type'], undefined);
  });

  test('followUp and editOriginal address the interaction by id and token', async () => {
    const stub = await hub(() => ({ data: { messageId: '901' } }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't' });
    const interaction = { id: '555', token: 'aW50ZXJh/Y3Rpb24+' };
    assert.deepEqual(await client.followUp(interaction, { content: 'done' }), { messageId: '901' });
    await client.editOriginal(interaction, { content: 'updated', components: [] });
    assert.deepEqual(stub.requests.map((r) => [r.method, r.path, r.body]), [
      ['POST', '/api/v1/apps/my-app/interactions/555/aW50ZXJh%2FY3Rpb24%2B/followup', { content: 'done' }],
      ['PATCH', '/api/v1/apps/my-app/interactions/555/aW50ZXJh%2FY3Rpb24%2B/original', { content: 'updated', components: [] }],
    ]);
  });

  test('deliveries passes its filters as the query; redeliver and ping post', async () => {
    const delivery = { id: 'd1', eventId: 'e1', eventType: 'message.create', status: 'failed', attempts: 3, createdAt: '2026-01-01T00:00:00.000Z' };
    const stub = await hub((index) => ({ data: index < 2 ? [delivery] : { queued: true } }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't' });
    assert.deepEqual(await client.deliveries({ status: 'failed', limit: 20 }), [delivery]);
    await client.deliveries();
    assert.deepEqual(await client.redeliver('d1'), { queued: true });
    await client.ping();
    const [filtered, all, redeliver, ping] = stub.requests;
    assert.equal(filtered?.path, '/api/v1/apps/my-app/deliveries');
    assert.deepEqual(Object.fromEntries(filtered?.query ?? []), { status: 'failed', limit: '20' });
    assert.deepEqual(Object.fromEntries(all?.query ?? []), {});
    assert.deepEqual([redeliver?.method, redeliver?.path], ['POST', '/api/v1/apps/my-app/deliveries/d1/redeliver']);
    assert.deepEqual([ping?.method, ping?.path], ['POST', '/api/v1/apps/my-app/ping']);
  });

  test('calls that act as an app need appId', () => {
    const client = new SwitchboardClient({ baseUrl: 'http://127.0.0.1:9', token: 't' });
    assert.throws(() => client.send({ channelId: '1', content: 'x' }), TypeError);
    assert.throws(() => client.startHeartbeats(), TypeError);
  });
});

describe('SwitchboardClient errors', () => {
  test("the hub's error envelope becomes a SwitchboardError with status, code, message, details and request id", async () => {
    const stub = await hub(() => ({
      status: 403,
      error: { code: 'not_owner', message: 'message 900 belongs to another app', details: { owner: 'other' } },
      headers: { 'x-request-id': 'req-1' },
    }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't', retry: fastRetry });
    const error = await client.edit('900', { content: 'x' }).catch((e: unknown) => e);
    assert.ok(error instanceof SwitchboardError);
    assert.equal(error.status, 403);
    assert.equal(error.code, 'not_owner');
    assert.equal(error.message, 'message 900 belongs to another app');
    assert.deepEqual(error.details, { owner: 'other' });
    assert.equal(error.requestId, 'req-1');
    assert.equal(stub.requests.length, 1, 'a 403 is not retried');
  });

  test('an answer that is not the envelope is an http_error or invalid_response', async () => {
    const stub = await hub((index) => (index === 0 ? { status: 502, raw: '<html>Bad gateway</html>' } : { status: 200, raw: '{"version":"1.0.0"}' }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't' });
    const gateway = await client.send({ channelId: '1', content: 'x' }).catch((e: unknown) => e);
    assert.ok(gateway instanceof SwitchboardError);
    assert.deepEqual([gateway.status, gateway.code], [502, 'http_error']);
    const empty = await client.send({ channelId: '1', content: 'x' }).catch((e: unknown) => e);
    assert.ok(empty instanceof SwitchboardError);
    assert.deepEqual([empty.status, empty.code], [200, 'invalid_response']);
  });

  test('an unreachable hub is a SwitchboardNetworkError', async () => {
    const port = await closedPort();
    const client = new SwitchboardClient({ baseUrl: `http://127.0.0.1:${port}`, appId: 'my-app', token: 't' });
    const error = await client.get().catch((e: unknown) => e);
    assert.ok(error instanceof SwitchboardNetworkError);
    assert.ok(error instanceof SwitchboardError);
    assert.equal(error.code, 'network_error');
    assert.equal(error.status, 0);
    assert.ok(!(error instanceof SwitchboardTimeoutError));
    assert.match(error.message, /ECONNREFUSED/);
  });

  test('a hub that does not answer in time is a SwitchboardTimeoutError', async () => {
    const stub = await hub(() => ({ hang: true }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't', timeoutMs: 150 });
    const started = performance.now();
    const error = await client.send({ channelId: '1', content: 'x' }).catch((e: unknown) => e);
    assert.ok(error instanceof SwitchboardTimeoutError);
    assert.equal(error.code, 'timeout');
    assert.equal(error.timeoutMs, 150);
    assert.ok(performance.now() - started < 2000);
  });
});

describe('SwitchboardClient retries', () => {
  test('an idempotent call is retried on 5xx and succeeds', async () => {
    const stub = await hub((index) => (index < 2 ? { status: 503, error: { code: 'unavailable', message: 'busy' } } : { data: app }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't', retry: fastRetry });
    assert.deepEqual(await client.get(), app);
    assert.equal(stub.requests.length, 3);
  });

  test("a 429's Retry-After is waited for", async () => {
    const stub = await hub((index) =>
      index === 0 ? { status: 429, error: { code: 'rate_limited', message: 'slow down' }, headers: { 'retry-after': '1' } } : { data: { messageId: '1', channelId: '2' } },
    );
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't', retry: fastRetry });
    const started = performance.now();
    await client.edit('1', { content: 'x' });
    assert.ok(performance.now() - started >= 950, 'waited about a second');
    assert.equal(stub.requests.length, 2);
  });

  test('retries are bounded', async () => {
    const stub = await hub(() => ({ status: 500, error: { code: 'internal_error', message: 'boom' } }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't', retry: { ...fastRetry, maxRetries: 2 } });
    const error = await client.deliveries().catch((e: unknown) => e);
    assert.ok(error instanceof SwitchboardError);
    assert.equal(error.code, 'internal_error');
    assert.equal(stub.requests.length, 3);
  });

  test('a Retry-After longer than the policy allows is not waited for', async () => {
    const stub = await hub(() => ({ status: 429, error: { code: 'rate_limited', message: 'later' }, headers: { 'retry-after': '3600' } }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't', retry: fastRetry });
    const error = await client.get().catch((e: unknown) => e);
    assert.ok(error instanceof SwitchboardError);
    assert.equal(error.status, 429);
    assert.equal(stub.requests.length, 1);
  });

  test('calls that are not idempotent are never retried', async () => {
    const stub = await hub(() => ({ status: 503, error: { code: 'unavailable', message: 'busy' }, headers: { 'retry-after': '0' } }));
    const client = new SwitchboardClient({ baseUrl: stub.url, appId: 'my-app', token: 't', retry: fastRetry });
    for (const call of [
      () => client.send({ channelId: '1', content: 'x' }),
      () => client.followUp({ id: '1', token: 'x' }, { content: 'x' }),
      () => client.redeliver('d1'),
      () => client.ping(),
    ]) {
      await assert.rejects(call(), SwitchboardError);
    }
    assert.equal(stub.requests.length, 4);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
