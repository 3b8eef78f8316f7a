import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTwitchStreamClient } from '../../../../src/modules/streams/platforms/twitch-stream-client.ts';
import { StreamPlatformError } from '../../../../src/modules/streams/stream-platform.ts';
import type { StreamPlatformClient, Streamer } from '../../../../src/modules/streams/stream-platform.ts';
import { verifyTwitchEventSub } from '../../../../src/modules/streams/verification/twitch-eventsub.ts';
import type { TwitchMessage } from '../../../../src/modules/streams/verification/twitch-eventsub.ts';
import { startCallbackReceiver, startStreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';
import type { CallbackReceiver, StreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';

const SECRET = 'eventsub-secret-0123456789';

describe('Twitch stream client', () => {
  let fake: StreamPlatformsFake;
  let receiver: CallbackReceiver;
  let client: StreamPlatformClient;
  /** Messages the receiver accepted, as our verifier read them. */
  const accepted: TwitchMessage[] = [];
  let refuseChallenges = false;

  before(async () => {
    fake = await startStreamPlatformsFake();
    receiver = await startCallbackReceiver((request) => {
      const result = verifyTwitchEventSub({ headers: request.headers, rawBody: request.body, secret: SECRET, now: Date.now() });
      if (!result.ok) return { status: 403, body: result.reason };
      accepted.push(result.message);
      if (result.message.kind === 'challenge') {
        return refuseChallenges ? { status: 200, body: 'not the challenge' } : { status: 200, body: result.message.challenge };
      }
      return { status: 204 };
    });
    client = createTwitchStreamClient({ clientId: fake.twitch.clientId, clientSecret: fake.twitch.clientSecret, tokenUrl: `${fake.twitch.oauthBaseUrl}/token`, apiUrl: fake.twitch.apiUrl });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  function count(route: string): number {
    return fake.requestCounts()[route] ?? 0;
  }

  async function streamer(login: string): Promise<Streamer> {
    const added = fake.addStreamer('twitch', { login, displayName: login.toUpperCase() });
    const found = await client.resolveStreamer(added.login);
    assert.ok(found !== undefined);
    return found;
  }

  it('resolves a login, a numeric id and a channel URL; unknown is undefined', async () => {
    const added = fake.addStreamer('twitch', { login: 'some_caster', displayName: 'Some_Caster' });
    const expected: Streamer = { platform: 'twitch', id: added.id, login: 'some_caster', displayName: 'Some_Caster', url: 'https://twitch.tv/some_caster' };
    assert.deepEqual(await client.resolveStreamer('some_caster'), expected);
    assert.deepEqual(await client.resolveStreamer('  Some_Caster '), expected);
    assert.deepEqual(await client.resolveStreamer(added.id), expected);
    assert.deepEqual(await client.resolveStreamer('https://www.twitch.tv/some_caster'), expected);
    assert.deepEqual(await client.resolveStreamer('twitch.tv/Some_Caster/'), expected);
    assert.deepEqual(await client.resolveStreamer('https://m.twitch.tv/some_caster?ref=x'), expected);
    assert.equal(await client.resolveStreamer('nobody_here'), undefined);
    assert.equal(await client.resolveStreamer('999999999'), undefined);

    const before = count('GET /twitch/helix/users');
    assert.equal(await client.resolveStreamer('not a login!'), undefined);
    assert.equal(await client.resolveStreamer('https://youtube.com/@someone'), undefined);
    assert.equal(count('GET /twitch/helix/users'), before, 'nothing to look up: no request');
  });

  it('subscribes to online and offline; the callback answers the challenge and both become enabled', async () => {
    const caster = await streamer('sub_caster');
    const subscription = await client.subscribe(caster, { callbackUrl: receiver.url, secret: SECRET });
    assert.equal(subscription.leaseExpiresAt, null);
    assert.equal(subscription.externalIds.length, 2);
    await fake.idle();

    const mine = fake.subscriptions('twitch').filter((item) => item.streamerId === caster.id);
    assert.deepEqual(mine.map((item) => item.type).sort(), ['stream.offline', 'stream.online']);
    assert.deepEqual(mine.map((item) => item.id).sort(), [...subscription.externalIds].sort());
    for (const item of mine) {
      assert.equal(item.status, 'enabled');
      assert.equal(item.callbackUrl, receiver.url);
    }
    const challenges = accepted.filter((message) => message.kind === 'challenge' && subscription.externalIds.includes(message.subscriptionId ?? ''));
    assert.equal(challenges.length, 2);
  });

  it('a callback that does not echo the challenge leaves the subscription unverified', async () => {
    const caster = await streamer('refusing_caster');
    refuseChallenges = true;
    try {
      await client.subscribe(caster, { callbackUrl: receiver.url, secret: SECRET });
      await fake.idle();
    } finally {
      refuseChallenges = false;
    }
    const statuses = fake.subscriptions('twitch').filter((item) => item.streamerId === caster.id).map((item) => item.status);
    assert.deepEqual(statuses, ['webhook_callback_verification_failed', 'webhook_callback_verification_failed']);
  });

  it('subscribing again (409) reuses the existing subscriptions', async () => {
    const caster = await streamer('twice_caster');
    const first = await client.subscribe(caster, { callbackUrl: receiver.url, secret: SECRET });
    await fake.idle();
    const lookups = count('GET /twitch/helix/eventsub/subscriptions');
    const second = await client.subscribe(caster, { callbackUrl: receiver.url, secret: SECRET });
    assert.deepEqual(second.externalIds, first.externalIds);
    assert.equal(count('GET /twitch/helix/eventsub/subscriptions') - lookups, 2);
    assert.equal(fake.subscriptions('twitch').filter((item) => item.streamerId === caster.id).length, 2);
  });

  it('a refused subscription is an error, and half a subscription is rolled back', async () => {
    const caster = await streamer('short_secret');
    await assert.rejects(client.subscribe(caster, { callbackUrl: receiver.url, secret: 'short' }), (error: unknown) => {
      assert.ok(error instanceof StreamPlatformError);
      assert.equal(error.status, 400);
      assert.equal(error.transient, false);
      assert.match(error.message, /secret/);
      return true;
    });

    // The online subscription is made, then the platform fails on the offline one.
    const failingOffline: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && typeof init.body === 'string' && init.body.includes('"stream.offline"')) {
        return new Response(JSON.stringify({ error: 'Service Unavailable', status: 503, message: 'try later' }), { status: 503 });
      }
      return fetch(input, init);
    };
    const flaky = createTwitchStreamClient({
      clientId: fake.twitch.clientId,
      clientSecret: fake.twitch.clientSecret,
      tokenUrl: `${fake.twitch.oauthBaseUrl}/token`,
      apiUrl: fake.twitch.apiUrl,
      fetch: failingOffline,
    });
    const other = await streamer('half_caster');
    const deletes = count('DELETE /twitch/helix/eventsub/subscriptions');
    await assert.rejects(flaky.subscribe(other, { callbackUrl: receiver.url, secret: SECRET }), (error: unknown) => {
      return error instanceof StreamPlatformError && error.transient && error.status === 503 && /try later/.test(error.message);
    });
    await fake.idle();
    assert.equal(count('DELETE /twitch/helix/eventsub/subscriptions') - deletes, 1);
    assert.deepEqual(fake.subscriptions('twitch').filter((item) => item.streamerId === other.id), []);
  });

  it('unsubscribes; already gone is not an error', async () => {
    const caster = await streamer('leaving_caster');
    const subscription = await client.subscribe(caster, { callbackUrl: receiver.url, secret: SECRET });
    await fake.idle();
    await client.unsubscribe(caster, { externalIds: subscription.externalIds, callbackUrl: receiver.url });
    assert.deepEqual(fake.subscriptions('twitch').filter((item) => item.streamerId === caster.id), []);
    await client.unsubscribe(caster, { externalIds: subscription.externalIds, callbackUrl: receiver.url });
  });

  it('signed notifications reach an enabled subscription; live streams are read back', async () => {
    const caster = await streamer('live_caster');
    const quiet = await streamer('quiet_caster');
    await client.subscribe(caster, { callbackUrl: receiver.url, secret: SECRET });
    await fake.idle();

    const live = await fake.goLive('twitch', caster.id, { title: 'Speedrun', category: 'Celeste' });
    assert.deepEqual(live.deliveries, [{ url: receiver.url, status: 204 }]);
    const online = accepted.at(-1);
    assert.ok(online?.kind === 'notification' && online.event.type === 'stream.online');
    assert.equal(online.event.broadcasterUserId, caster.id);
    assert.equal(online.event.streamId, live.streamId);

    const streams = await client.liveStreams([caster.id, quiet.id, caster.id]);
    assert.deepEqual([...streams.keys()], [caster.id]);
    const stream = streams.get(caster.id);
    assert.ok(stream !== undefined);
    assert.equal(stream.streamId, live.streamId);
    assert.equal(stream.streamerId, caster.id);
    assert.equal(stream.title, 'Speedrun');
    assert.equal(stream.category, 'Celeste');
    assert.equal(stream.url, 'https://twitch.tv/live_caster');
    assert.match(stream.thumbnailUrl ?? '', /live_user_live_caster-1280x720\.jpg$/);
    assert.ok(Math.abs(stream.startedAt - Date.now()) < 5_000);

    const offline = await fake.goOffline('twitch', caster.id);
    assert.deepEqual(offline.deliveries, [{ url: receiver.url, status: 204 }]);
    const last = accepted.at(-1);
    assert.ok(last?.kind === 'notification' && last.event.type === 'stream.offline');
    assert.equal((await client.liveStreams([caster.id])).size, 0);
  });

  it('asks for at most 100 streamers per request', async () => {
    const ids = Array.from({ length: 150 }, (_, index) => String(900_000_000 + index));
    const before = count('GET /twitch/helix/streams');
    assert.equal((await client.liveStreams(ids)).size, 0);
    assert.equal(count('GET /twitch/helix/streams') - before, 2);
    assert.equal((await client.liveStreams([])).size, 0);
    assert.equal(count('GET /twitch/helix/streams') - before, 2, 'no ids: no request');
  });

  it('ended streams: offline, or live again with another stream', async () => {
    const a = await streamer('ending_a');
    const b = await streamer('ending_b');
    const c = await streamer('ending_c');
    const liveA = await fake.goLive('twitch', a.id);
    const liveB = await fake.goLive('twitch', b.id);
    const liveC = await fake.goLive('twitch', c.id);
    await fake.goOffline('twitch', b.id);
    await fake.goOffline('twitch', c.id);
    const againC = await fake.goLive('twitch', c.id);
    const ended = await client.endedStreams([
      { streamerId: a.id, streamId: liveA.streamId },
      { streamerId: b.id, streamId: liveB.streamId },
      { streamerId: c.id, streamId: liveC.streamId },
      { streamerId: c.id, streamId: againC.streamId },
    ]);
    assert.deepEqual([...ended].sort(), [liveB.streamId, liveC.streamId].sort());
  });

  it('delivers a signed revocation', async () => {
    const caster = await streamer('revoked_caster');
    await client.subscribe(caster, { callbackUrl: receiver.url, secret: SECRET });
    await fake.idle();
    const answers = await fake.revokeTwitch(caster.id, 'user_removed');
    assert.deepEqual(answers, [{ status: 204 }, { status: 204 }]);
    const last = accepted.at(-1);
    assert.ok(last?.kind === 'revocation');
    assert.equal(last.status, 'user_removed');
    assert.deepEqual(fake.subscriptions('twitch').filter((item) => item.streamerId === caster.id), []);
  });

  it('errors: bad credentials are permanent, 5xx and 429 and an unreachable server are transient', async () => {
    const wrong = createTwitchStreamClient({ clientId: fake.twitch.clientId, clientSecret: 'wrong', tokenUrl: `${fake.twitch.oauthBaseUrl}/token`, apiUrl: fake.twitch.apiUrl });
    await assert.rejects(wrong.resolveStreamer('anyone'), (error: unknown) => error instanceof StreamPlatformError && !error.transient && error.status === 401);

    const otherClient = createTwitchStreamClient({ clientId: 'someone-else', clientSecret: fake.twitch.clientSecret, tokenUrl: `${fake.twitch.oauthBaseUrl}/token`, apiUrl: fake.twitch.apiUrl });
    await assert.rejects(otherClient.liveStreams(['1']), (error: unknown) => error instanceof StreamPlatformError && !error.transient);

    fake.failNext('twitch', 503);
    await assert.rejects(client.liveStreams(['1']), (error: unknown) => error instanceof StreamPlatformError && error.transient && error.status === 503);
    fake.failNext('twitch', 429);
    await assert.rejects(client.liveStreams(['1']), (error: unknown) => error instanceof StreamPlatformError && error.transient && error.status === 429);
    fake.failNext('twitch', 400);
    await assert.rejects(client.liveStreams(['1']), (error: unknown) => error instanceof StreamPlatformError && !error.transient && error.status === 400);

    const down = createTwitchStreamClient({ clientId: 'id', clientSecret: 'secret', tokenUrl: 'http://127.0.0.1:1/token', apiUrl: 'http://127.0.0.1:1/helix' });
    await assert.rejects(down.resolveStreamer('anyone'), (error: unknown) => error instanceof StreamPlatformError && error.transient && error.status === null);
  });

  it('gets a new token when the API stops accepting the old one', async () => {
    const tokens = count('POST /twitch/oauth2/token');
    await client.liveStreams(['1']);
    assert.equal(count('POST /twitch/oauth2/token'), tokens, 'cached');
    fake.invalidateTokens('twitch');
    await client.liveStreams(['1']);
    assert.equal(count('POST /twitch/oauth2/token') - tokens, 1);
  });
});
