import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createYouTubeStreamClient } from '../../../../src/modules/streams/platforms/youtube-stream-client.ts';
import { StreamPlatformError } from '../../../../src/modules/streams/stream-platform.ts';
import type { Streamer, YouTubeStreamClient } from '../../../../src/modules/streams/stream-platform.ts';
import { answerWebSubChallenge, verifyWebSubDistribution } from '../../../../src/modules/streams/verification/youtube-websub.ts';
import type { YouTubeFeedItem } from '../../../../src/modules/streams/verification/youtube-atom.ts';
import { startCallbackReceiver, startStreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';
import type { CallbackReceiver, StreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';

const SECRET = 'websub-secret';
const NOW = Date.UTC(2026, 0, 1);
const topicOf = (channelId: string): string => `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${channelId}`;

describe('YouTube stream client', () => {
  let fake: StreamPlatformsFake;
  let receiver: CallbackReceiver;
  let client: YouTubeStreamClient;
  /** Topics the receiver expects an intent check for, as the go-live service would keep them. */
  const expected = { subscribe: new Set<string>(), unsubscribe: new Set<string>() };
  const feed: YouTubeFeedItem[] = [];

  before(async () => {
    fake = await startStreamPlatformsFake();
    receiver = await startCallbackReceiver((request) => {
      if (request.method === 'GET') {
        const result = answerWebSubChallenge({ query: request.url.searchParams, expectedTopics: expected, now: Date.now() });
        return result.ok ? { status: 200, body: result.challenge } : { status: 404, body: result.reason };
      }
      const result = verifyWebSubDistribution({ headers: request.headers, rawBody: request.body, secret: SECRET });
      // WebSub wants a 2xx even for content it ignores; 202 marks those here so tests can tell.
      if (!result.ok) return { status: 202, body: result.reason };
      feed.push(...result.items);
      return { status: 204 };
    });
    client = createYouTubeStreamClient({ apiKey: fake.youtube.apiKey, apiUrl: fake.youtube.apiUrl, hubUrl: fake.youtube.hubUrl, now: () => NOW });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  function count(route: string): number {
    return fake.requestCounts()[route] ?? 0;
  }

  async function channel(login: string): Promise<Streamer> {
    const added = fake.addStreamer('youtube', { login, displayName: `${login} channel` });
    const found = await client.resolveStreamer(added.login);
    assert.ok(found !== undefined);
    return found;
  }

  async function subscribed(login: string): Promise<Streamer> {
    const found = await channel(login);
    expected.subscribe.add(topicOf(found.id));
    await client.subscribe(found, { callbackUrl: receiver.url, secret: SECRET });
    await fake.idle();
    return found;
  }

  it('resolves a channel id, a handle and both URL forms; unknown is undefined', async () => {
    const added = fake.addStreamer('youtube', { login: 'TubeCaster', displayName: 'Tube Caster' });
    assert.match(added.id, /^UC[A-Za-z0-9_-]{22}$/);
    assert.equal(added.login, '@tubecaster');
    const expectedStreamer: Streamer = {
      platform: 'youtube',
      id: added.id,
      login: '@tubecaster',
      displayName: 'Tube Caster',
      url: `https://www.youtube.com/channel/${added.id}`,
    };
    assert.deepEqual(await client.resolveStreamer(added.id), expectedStreamer);
    assert.deepEqual(await client.resolveStreamer('@TubeCaster'), expectedStreamer);
    assert.deepEqual(await client.resolveStreamer(`https://www.youtube.com/channel/${added.id}`), expectedStreamer);
    assert.deepEqual(await client.resolveStreamer('https://youtube.com/@tubecaster/videos'), expectedStreamer);
    assert.deepEqual(await client.resolveStreamer('m.youtube.com/@tubecaster'), expectedStreamer);
    assert.equal(await client.resolveStreamer('@nobody-here'), undefined);
    assert.equal(await client.resolveStreamer('UCxxxxxxxxxxxxxxxxxxxxxx'), undefined);

    const before = count('GET /youtube/api/channels');
    assert.equal(await client.resolveStreamer('tubecaster'), undefined, 'a bare word is neither a handle nor an id');
    assert.equal(await client.resolveStreamer('https://twitch.tv/tubecaster'), undefined);
    assert.equal(count('GET /youtube/api/channels'), before);
  });

  it('subscribes at the hub; the callback confirms the intent and the lease is reported', async () => {
    const found = await channel('leased');
    expected.subscribe.add(topicOf(found.id));
    const subscription = await client.subscribe(found, { callbackUrl: receiver.url, secret: SECRET });
    assert.deepEqual(subscription, { externalIds: [], leaseExpiresAt: NOW + 432_000_000 });
    await fake.idle();
    const listed = fake.subscriptions('youtube').filter((item) => item.streamerId === found.id);
    assert.deepEqual(listed.map((item) => ({ status: item.status, callbackUrl: item.callbackUrl, leaseSeconds: item.leaseSeconds })), [
      { status: 'verified', callbackUrl: receiver.url, leaseSeconds: 432_000 },
    ]);
  });

  it('a callback that does not confirm leaves the subscription unverified, and gets no notifications', async () => {
    const found = await channel('unconfirmed');
    await client.subscribe(found, { callbackUrl: receiver.url, secret: SECRET });
    await fake.idle();
    assert.deepEqual(fake.subscriptions('youtube').filter((item) => item.streamerId === found.id).map((item) => item.status), ['verification_failed']);
    const live = await fake.goLive('youtube', found.id);
    assert.deepEqual(live.deliveries, []);
  });

  it('going live posts a signed Atom entry; liveVideo tells live, upload and ended apart', async () => {
    const found = await subscribed('broadcaster');
    const live = await fake.goLive('youtube', found.id, { title: 'Live & loud' });
    assert.match(live.streamId, /^[A-Za-z0-9_-]{11}$/);
    assert.deepEqual(live.deliveries, [{ url: receiver.url, status: 204 }]);
    const entry = feed.at(-1);
    assert.ok(entry?.kind === 'video');
    assert.deepEqual({ videoId: entry.videoId, channelId: entry.channelId, title: entry.title }, { videoId: live.streamId, channelId: found.id, title: 'Live & loud' });
    const sent = fake.lastWebhook('youtube');
    assert.equal(sent?.headers['Content-Type'], 'application/atom+xml');
    assert.match(sent?.headers['X-Hub-Signature'] ?? '', /^sha1=[0-9a-f]{40}$/);

    const stream = await client.liveVideo(live.streamId);
    assert.ok(stream !== undefined);
    assert.equal(stream.streamId, live.streamId);
    assert.equal(stream.streamerId, found.id);
    assert.equal(stream.title, 'Live & loud');
    assert.equal(stream.url, `https://www.youtube.com/watch?v=${live.streamId}`);
    assert.equal(stream.category, null);
    assert.match(stream.thumbnailUrl ?? '', /hqdefault\.jpg$/);
    assert.ok(Math.abs(stream.startedAt - Date.now()) < 5_000);

    const upload = await fake.publishUpload(found.id, 'Just a video');
    assert.deepEqual(upload.deliveries, [{ url: receiver.url, status: 204 }]);
    assert.equal(await client.liveVideo(upload.videoId), undefined);

    const offline = await fake.goOffline('youtube', found.id);
    assert.deepEqual(offline.deliveries, []);
    assert.equal(await client.liveVideo(live.streamId), undefined);
    assert.equal(await client.liveVideo('AAAAAAAAAAA'), undefined);

    const before = count('GET /youtube/api/videos');
    assert.equal(await client.liveVideo('not a video id'), undefined);
    assert.equal(count('GET /youtube/api/videos'), before);
  });

  it('a forged notification is ignored by the receiver', async () => {
    const found = await subscribed('forged');
    await fake.goLive('youtube', found.id);
    const original = fake.lastWebhook('youtube');
    assert.ok(original !== undefined);
    const forged = await fake.send({ ...original, body: original.body.replace('<title>YouTube video feed</title>', '<title>changed</title>') });
    assert.deepEqual(forged, { status: 202, body: 'bad_signature' });
  });

  it('live streams: one search per channel, one videos call for all', async () => {
    const live = await channel('searched-live');
    const idle = await channel('searched-idle');
    const stream = await fake.goLive('youtube', live.id, { title: 'On air' });
    await fake.publishUpload(idle.id);
    const searches = count('GET /youtube/api/search');
    const videoCalls = count('GET /youtube/api/videos');
    const streams = await client.liveStreams([live.id, idle.id]);
    assert.deepEqual([...streams.keys()], [live.id]);
    assert.equal(streams.get(live.id)?.streamId, stream.streamId);
    assert.equal(streams.get(live.id)?.title, 'On air');
    assert.equal(count('GET /youtube/api/search') - searches, 2);
    assert.equal(count('GET /youtube/api/videos') - videoCalls, 1);
  });

  it('ended streams: an end time or a missing video, in calls of at most 50 ids', async () => {
    const a = await channel('ending-a');
    const b = await channel('ending-b');
    const liveA = await fake.goLive('youtube', a.id);
    const liveB = await fake.goLive('youtube', b.id);
    await fake.goOffline('youtube', b.id);
    const filler = Array.from({ length: 60 }, (_, index) => ({ streamerId: a.id, streamId: `gone${String(index).padStart(7, '0')}` }));
    const before = count('GET /youtube/api/videos');
    const searches = count('GET /youtube/api/search');
    const ended = await client.endedStreams([{ streamerId: a.id, streamId: liveA.streamId }, { streamerId: b.id, streamId: liveB.streamId }, ...filler]);
    assert.equal(ended.has(liveA.streamId), false);
    assert.equal(ended.has(liveB.streamId), true);
    assert.equal(ended.size, 61);
    assert.equal(count('GET /youtube/api/search'), searches, 'no search');
    assert.equal(count('GET /youtube/api/videos') - before, 2);
  });

  it('unsubscribes at the hub once the callback confirms', async () => {
    const found = await subscribed('unsubscriber');
    expected.unsubscribe.add(topicOf(found.id));
    await client.unsubscribe(found, { externalIds: [], callbackUrl: receiver.url });
    await fake.idle();
    assert.deepEqual(fake.subscriptions('youtube').filter((item) => item.streamerId === found.id), []);
  });

  it('errors: a bad key is permanent, quota and 5xx are transient, the hub refuses bad requests', async () => {
    const wrongKey = createYouTubeStreamClient({ apiKey: 'wrong', apiUrl: fake.youtube.apiUrl, hubUrl: fake.youtube.hubUrl });
    await assert.rejects(wrongKey.resolveStreamer('@anyone'), (error: unknown) => {
      return error instanceof StreamPlatformError && !error.transient && error.status === 400 && !error.message.includes('wrong');
    });
    fake.failNext('youtube', 403, { reason: 'quotaExceeded' });
    await assert.rejects(client.liveVideo('AAAAAAAAAAA'), (error: unknown) => error instanceof StreamPlatformError && error.transient && error.status === 403);
    fake.failNext('youtube', 403, { reason: 'forbidden' });
    await assert.rejects(client.liveVideo('AAAAAAAAAAA'), (error: unknown) => error instanceof StreamPlatformError && !error.transient);
    fake.failNext('youtube', 500);
    await assert.rejects(client.liveStreams(['UC0000000000000000000000']), (error: unknown) => error instanceof StreamPlatformError && error.transient);

    const found = await channel('hub-refusal');
    await assert.rejects(client.subscribe(found, { callbackUrl: 'not a url', secret: SECRET }), (error: unknown) => {
      return error instanceof StreamPlatformError && !error.transient && error.status === 400 && /hub\.callback/.test(error.message);
    });

    const down = createYouTubeStreamClient({ apiKey: 'key', apiUrl: 'http://127.0.0.1:1/api', hubUrl: 'http://127.0.0.1:1/hub' });
    await assert.rejects(down.resolveStreamer('@anyone'), (error: unknown) => error instanceof StreamPlatformError && error.transient);
    await assert.rejects(down.subscribe(found, { callbackUrl: receiver.url, secret: SECRET }), (error: unknown) => error instanceof StreamPlatformError && error.transient);
    assert.throws(() => createYouTubeStreamClient({ apiKey: 'k', apiUrl: 'x', hubUrl: 'y', leaseSeconds: 0 }), StreamPlatformError);
  });
});
