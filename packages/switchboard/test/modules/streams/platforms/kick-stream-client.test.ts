import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKickStreamClient } from '../../../../src/modules/streams/platforms/kick-stream-client.ts';
import type { KickStreamClient } from '../../../../src/modules/streams/platforms/kick-stream-client.ts';
import { StreamPlatformError } from '../../../../src/modules/streams/stream-platform.ts';
import type { Streamer } from '../../../../src/modules/streams/stream-platform.ts';
import { verifyKickWebhook } from '../../../../src/modules/streams/verification/kick-webhook.ts';
import type { KickEvent } from '../../../../src/modules/streams/verification/kick-webhook.ts';
import { startCallbackReceiver, startStreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';
import type { CallbackReceiver, StreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';

describe('Kick stream client', () => {
  let fake: StreamPlatformsFake;
  let receiver: CallbackReceiver;
  let client: KickStreamClient;
  const accepted: { subscriptionId: string | undefined; event: KickEvent }[] = [];

  before(async () => {
    fake = await startStreamPlatformsFake();
    client = createKickStreamClient({ clientId: fake.kick.clientId, clientSecret: fake.kick.clientSecret, tokenUrl: `${fake.kick.oauthBaseUrl}/token`, apiUrl: fake.kick.apiUrl });
    receiver = await startCallbackReceiver(async (request) => {
      const result = verifyKickWebhook({ headers: request.headers, rawBody: request.body, publicKeyPem: await client.publicKey(), now: Date.now() });
      if (!result.ok) return { status: 403, body: result.reason };
      accepted.push({ subscriptionId: result.subscriptionId, event: result.event });
      return { status: 200 };
    });
    fake.kick.setWebhookUrl(receiver.url);
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  function count(route: string): number {
    return fake.requestCounts()[route] ?? 0;
  }

  async function streamer(login: string): Promise<Streamer> {
    const added = fake.addStreamer('kick', { login });
    const found = await client.resolveStreamer(added.login);
    assert.ok(found !== undefined);
    return found;
  }

  it('resolves a slug and a channel URL; unknown is undefined', async () => {
    const added = fake.addStreamer('kick', { login: 'kick-caster' });
    const expected: Streamer = { platform: 'kick', id: added.id, login: 'kick-caster', displayName: 'kick-caster', url: 'https://kick.com/kick-caster' };
    assert.match(added.id, /^[0-9]+$/);
    assert.deepEqual(await client.resolveStreamer('kick-caster'), expected);
    assert.deepEqual(await client.resolveStreamer('Kick-Caster'), expected);
    assert.deepEqual(await client.resolveStreamer('https://kick.com/kick-caster'), expected);
    assert.deepEqual(await client.resolveStreamer('kick.com/kick-caster/?tab=about'), expected);
    assert.equal(await client.resolveStreamer('nobody-here'), undefined);
    const before = count('GET /kick/public/v1/channels');
    assert.equal(await client.resolveStreamer('no spaces allowed'), undefined);
    assert.equal(await client.resolveStreamer('https://twitch.tv/kick-caster'), undefined);
    assert.equal(count('GET /kick/public/v1/channels'), before);
  });

  it('subscribes to livestream.status.updated; subscribing twice gives the same subscription', async () => {
    const caster = await streamer('subscriber');
    const subscription = await client.subscribe(caster, { callbackUrl: 'https://hub.example/kick', secret: 'unused' });
    assert.equal(subscription.leaseExpiresAt, null);
    assert.equal(subscription.externalIds.length, 1);
    const listed = fake.subscriptions('kick').filter((item) => item.streamerId === caster.id);
    assert.deepEqual(
      listed.map((item) => ({ id: item.id, type: item.type, callbackUrl: item.callbackUrl })),
      [{ id: subscription.externalIds[0], type: 'livestream.status.updated', callbackUrl: receiver.url }],
    );
    const again = await client.subscribe(caster, { callbackUrl: 'https://hub.example/kick', secret: 'unused' });
    assert.deepEqual(again.externalIds, subscription.externalIds);
  });

  it('a subscription Kick refuses item by item is a permanent error', async () => {
    const ghost: Streamer = { platform: 'kick', id: '99999999', login: 'ghost', displayName: 'ghost', url: 'https://kick.com/ghost' };
    await assert.rejects(client.subscribe(ghost, { callbackUrl: receiver.url, secret: 'x' }), (error: unknown) => {
      return error instanceof StreamPlatformError && !error.transient && /broadcaster not found/.test(error.message);
    });
    const bad: Streamer = { ...ghost, id: 'abc' };
    await assert.rejects(client.subscribe(bad, { callbackUrl: receiver.url, secret: 'x' }), StreamPlatformError);
  });

  it('signed webhooks go to the app webhook URL; live streams are read back with a start-time stream id', async () => {
    const caster = await streamer('live-kicker');
    const quiet = await streamer('quiet-kicker');
    const subscription = await client.subscribe(caster, { callbackUrl: receiver.url, secret: 'x' });

    const live = await fake.goLive('kick', caster.id, { title: 'Kick stream', category: 'Slots' });
    assert.deepEqual(live.deliveries, [{ url: receiver.url, status: 200 }]);
    const online = accepted.at(-1);
    assert.equal(online?.subscriptionId, subscription.externalIds[0]);
    assert.ok(online?.event.type === 'livestream.status.updated');
    assert.equal(online.event.isLive, true);
    assert.equal(online.event.broadcasterUserId, caster.id);
    assert.equal(online.event.title, 'Kick stream');

    const streams = await client.liveStreams([caster.id, quiet.id]);
    assert.deepEqual([...streams.keys()], [caster.id]);
    const stream = streams.get(caster.id);
    assert.ok(stream !== undefined);
    assert.equal(stream.streamId, live.streamId);
    assert.equal(stream.streamId, String(stream.startedAt));
    assert.equal(stream.title, 'Kick stream');
    assert.equal(stream.category, 'Slots');
    assert.equal(stream.url, 'https://kick.com/live-kicker');
    assert.ok(stream.thumbnailUrl !== null);

    const offline = await fake.goOffline('kick', caster.id);
    assert.deepEqual(offline.deliveries, [{ url: receiver.url, status: 200 }]);
    const last = accepted.at(-1);
    assert.ok(last?.event.type === 'livestream.status.updated' && !last.event.isLive);
    assert.ok(last.event.endedAt !== undefined);
    assert.equal((await client.liveStreams([caster.id])).size, 0);
  });

  it('a tampered webhook fails verification with the served key', async () => {
    const caster = await streamer('tampered');
    await client.subscribe(caster, { callbackUrl: receiver.url, secret: 'x' });
    await fake.goLive('kick', caster.id);
    const original = fake.lastWebhook('kick');
    assert.ok(original !== undefined);
    const forged = await fake.send({ ...original, body: original.body.replace('"is_live":true', '"is_live":false') });
    assert.deepEqual(forged, { status: 403, body: 'bad_signature' });
  });

  it('ended streams: those whose broadcaster went offline', async () => {
    const a = await streamer('ends-a');
    const b = await streamer('ends-b');
    const liveA = await fake.goLive('kick', a.id);
    const liveB = await fake.goLive('kick', b.id);
    await fake.goOffline('kick', b.id);
    const ended = await client.endedStreams([
      { streamerId: a.id, streamId: liveA.streamId },
      { streamerId: b.id, streamId: liveB.streamId },
    ]);
    assert.deepEqual([...ended], [liveB.streamId]);
  });

  it('asks for at most 50 broadcasters per request', async () => {
    const before = count('GET /kick/public/v1/livestreams');
    await client.liveStreams(Array.from({ length: 120 }, (_, index) => String(7_000_000 + index)));
    assert.equal(count('GET /kick/public/v1/livestreams') - before, 3);
  });

  it('unsubscribes; already gone is not an error', async () => {
    const caster = await streamer('leaver');
    const subscription = await client.subscribe(caster, { callbackUrl: receiver.url, secret: 'x' });
    await client.unsubscribe(caster, { externalIds: subscription.externalIds, callbackUrl: receiver.url });
    assert.deepEqual(fake.subscriptions('kick').filter((item) => item.streamerId === caster.id), []);
    await client.unsubscribe(caster, { externalIds: subscription.externalIds, callbackUrl: receiver.url });
  });

  it('fetches the public key once', async () => {
    const fresh = createKickStreamClient({ clientId: fake.kick.clientId, clientSecret: fake.kick.clientSecret, tokenUrl: `${fake.kick.oauthBaseUrl}/token`, apiUrl: fake.kick.apiUrl });
    const before = count('GET /kick/public/v1/public-key');
    assert.equal(await fresh.publicKey(), fake.kick.publicKeyPem);
    assert.equal(await fresh.publicKey(), fake.kick.publicKeyPem);
    assert.equal(count('GET /kick/public/v1/public-key') - before, 1);
  });

  it('errors: bad credentials are permanent; 5xx and an unreachable server are transient', async () => {
    const wrong = createKickStreamClient({ clientId: fake.kick.clientId, clientSecret: 'wrong', tokenUrl: `${fake.kick.oauthBaseUrl}/token`, apiUrl: fake.kick.apiUrl });
    await assert.rejects(wrong.resolveStreamer('anyone'), (error: unknown) => error instanceof StreamPlatformError && !error.transient && error.status === 401);
    fake.failNext('kick', 502);
    await assert.rejects(client.liveStreams(['1']), (error: unknown) => error instanceof StreamPlatformError && error.transient && error.status === 502);
    const down = createKickStreamClient({ clientId: 'id', clientSecret: 'secret', tokenUrl: 'http://127.0.0.1:1/token', apiUrl: 'http://127.0.0.1:1/v1' });
    await assert.rejects(down.publicKey(), (error: unknown) => error instanceof StreamPlatformError && error.transient);
    await assert.rejects(down.liveStreams(['1']), (error: unknown) => error instanceof StreamPlatformError && error.transient);
  });

  it('gets a new token after a 401', async () => {
    const tokens = count('POST /kick/oauth/token');
    fake.invalidateTokens('kick');
    assert.equal((await client.liveStreams(['1'])).size, 0);
    assert.equal(count('POST /kick/oauth/token') - tokens, 1);
  });
});
