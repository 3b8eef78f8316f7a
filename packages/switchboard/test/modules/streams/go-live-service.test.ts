/**
 * The go-live service on each database, with a hand-written platform client and a recording Discord API:
 * subscribing, listing and removing (the platform subscription shared per streamer), the refusals, no rows
 * left behind by a platform failure, and "once per stream" under duplicate and concurrent reports, also from
 * a second handle on the same database as a second instance would have.
 */
import assert from 'node:assert/strict';
import type { APIMessage, RESTPatchAPIChannelMessageJSONBody, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import pino from 'pino';
import { createGoLiveService, type StreamDiscordApi } from '../../../src/modules/streams/go-live-service.ts';
import { StreamPlatformError, type LiveStream, type StreamPlatformClient, type Streamer } from '../../../src/modules/streams/stream-platform.ts';
import type { Database } from '../../../src/storage/database.ts';
import { generateEncryptionKey, SecretBox } from '../../../src/security/secret-box.ts';
import { webhookSecrets } from '../../../src/modules/streams/webhook-secret.ts';
import { describeEachDatabase } from '../../support/databases.ts';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const CHANNEL = '200000000000000001';
const ROLE = '300000000000000001';
const ADMIN = '400000000000000001';

type TestClient = StreamPlatformClient & {
  streamers: Map<string, Streamer>;
  subscribeCalls: { streamer: Streamer; callbackUrl: string; secret: string }[];
  unsubscribeCalls: { streamer: Streamer; externalIds: readonly string[] }[];
  failSubscribe: Error | undefined;
};

function testClient(): TestClient {
  const client: TestClient = {
    platform: 'twitch',
    streamers: new Map(),
    subscribeCalls: [],
    unsubscribeCalls: [],
    failSubscribe: undefined,
    async resolveStreamer(query) {
      return client.streamers.get(query.toLowerCase());
    },
    async subscribe(streamer, target) {
      client.subscribeCalls.push({ streamer, callbackUrl: target.callbackUrl, secret: target.secret });
      if (client.failSubscribe) throw client.failSubscribe;
      return { externalIds: [`online-${streamer.id}`, `offline-${streamer.id}`], leaseExpiresAt: null };
    },
    async unsubscribe(streamer, subscription) {
      client.unsubscribeCalls.push({ streamer, externalIds: subscription.externalIds });
    },
    async liveStreams() {
      return new Map();
    },
    async endedStreams() {
      return new Set();
    },
  };
  return client;
}

function addStreamer(client: TestClient, id: string, login: string): Streamer {
  const streamer: Streamer = { platform: 'twitch', id, login, displayName: login.toUpperCase(), url: `https://www.twitch.tv/${login}` };
  client.streamers.set(login, streamer);
  return streamer;
}

type RecordingApi = StreamDiscordApi & {
  posts: { channelId: string; body: RESTPostAPIChannelMessageJSONBody }[];
  edits: { channelId: string; messageId: string; body: RESTPatchAPIChannelMessageJSONBody }[];
};

function recordingApi(): RecordingApi {
  const posts: RecordingApi['posts'] = [];
  const edits: RecordingApi['edits'] = [];
  return {
    posts,
    edits,
    channels: {
      async createMessage(channelId, body) {
        posts.push({ channelId, body });
        await new Promise((resolve) => setTimeout(resolve, 5)); // a post takes a moment: racing reports overlap it
        return { id: `5000000000000000${String(posts.length).padStart(2, '0')}`, channel_id: channelId } as APIMessage;
      },
      async editMessage(channelId, messageId, body) {
        edits.push({ channelId, messageId, body });
        return { id: messageId, channel_id: channelId } as APIMessage;
      },
    },
  };
}

function serviceOn(database: Database, client: TestClient, api: RecordingApi, delivery: 'webhooks' | 'polling' = 'webhooks') {
  return createGoLiveService({
    db: database.db,
    clients: { twitch: client },
    api: () => api,
    delivery,
    publicUrl: 'https://hub.example',
    secrets: webhookSecrets(new SecretBox([generateEncryptionKey('streams')])),
    logger: pino({ level: 'silent' }),
  });
}

const stream = (streamId: string, streamerId: string): LiveStream => ({
  streamId,
  streamerId,
  title: 'Speedrunning @everyone',
  startedAt: Date.parse('2026-11-20T18:00:00Z'),
  url: 'https://www.twitch.tv/ninja',
  thumbnailUrl: 'https://static.example/thumb.jpg',
  category: 'Celeste',
});

async function rowCounts(database: Database): Promise<{ watches: number; subscriptions: number }> {
  const watches = await database.db.selectFrom('stream_watches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const subscriptions = await database.db.selectFrom('stream_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { watches: Number(watches.n), subscriptions: Number(subscriptions.n) };
}

describeEachDatabase('go-live service', ({ it, open, openAgain }) => {
  it('subscribes, lists and unsubscribes; one platform subscription per streamer, removed with the last guild', async () => {
    const database = await open();
    const client = testClient();
    addStreamer(client, '1001', 'ninja');
    const service = serviceOn(database, client, recordingApi());

    const first = await service.subscribe({ guildId: GUILD, channelId: CHANNEL, roleId: ROLE, platform: 'twitch', query: ' Ninja ', createdBy: ADMIN });
    assert.ok(first.ok, JSON.stringify(first));
    assert.equal(first.subscription.watch.streamerId, '1001');
    assert.deepEqual(first.subscription.watch.externalIds, ['online-1001', 'offline-1001']);
    assert.equal(first.subscription.watch.status, 'pending', 'Twitch confirms with a challenge later');
    assert.equal(client.subscribeCalls.length, 1);
    assert.equal(client.subscribeCalls[0]!.callbackUrl, 'https://hub.example/webhooks/twitch');
    assert.match(client.subscribeCalls[0]!.secret, /^[0-9a-f]{64}$/, 'a random secret per watch');
    const stored = await database.db.selectFrom('stream_watches').select('webhook_secret').where('id', '=', first.subscription.watch.id).executeTakeFirstOrThrow();
    assert.ok(!stored.webhook_secret.includes(client.subscribeCalls[0]!.secret), 'stored sealed, never in the clear');

    const second = await service.subscribe({ guildId: OTHER_GUILD, channelId: CHANNEL, roleId: null, platform: 'twitch', query: 'ninja', createdBy: ADMIN });
    assert.ok(second.ok);
    assert.equal(second.subscription.watchId, first.subscription.watchId, 'the two guilds share the watch');
    assert.equal(client.subscribeCalls.length, 1, 'the platform is asked once per streamer');

    const listed = await service.list(GUILD);
    assert.deepEqual(listed.map((s) => [s.id, s.roleId, s.watch.streamerLogin]), [[first.subscription.id, ROLE, 'ninja']]);

    const wrongGuild = await service.unsubscribe(OTHER_GUILD, first.subscription.id);
    assert.deepEqual(wrongGuild.ok ? 'removed' : wrongGuild.code, 'not_found', "a guild cannot remove another guild's subscription");

    assert.ok((await service.unsubscribe(GUILD, first.subscription.id)).ok);
    assert.equal(client.unsubscribeCalls.length, 0, 'another guild still watches');
    assert.ok((await service.unsubscribe(OTHER_GUILD, second.subscription.id)).ok);
    assert.deepEqual(client.unsubscribeCalls.map((c) => c.externalIds), [['online-1001', 'offline-1001']]);
    assert.deepEqual(await rowCounts(database), { watches: 0, subscriptions: 0 });
  });

  it('refuses clearly: platform not set up, unknown streamer, duplicate, the 25th+1 subscription', async () => {
    const database = await open();
    const client = testClient();
    addStreamer(client, '1001', 'ninja');
    const service = serviceOn(database, client, recordingApi(), 'polling');
    const base = { guildId: GUILD, channelId: CHANNEL, roleId: null, createdBy: ADMIN };

    const kick = await service.subscribe({ ...base, platform: 'kick', query: 'xqc' });
    assert.equal(kick.ok, false);
    assert.match(kick.ok ? '' : kick.reason, /Kick is not set up on this hub: set KICK_CLIENT_ID and KICK_CLIENT_SECRET/);
    const youtube = await service.subscribe({ ...base, platform: 'youtube', query: '@someone' });
    assert.match(youtube.ok ? '' : youtube.reason, /YOUTUBE_API_KEY/);

    const unknown = await service.subscribe({ ...base, platform: 'twitch', query: 'nobody' });
    assert.deepEqual(unknown.ok ? 'ok' : [unknown.code, unknown.reason], ['unknown_streamer', 'Twitch knows no streamer "nobody".']);

    assert.ok((await service.subscribe({ ...base, platform: 'twitch', query: 'ninja' })).ok);
    const duplicate = await service.subscribe({ ...base, platform: 'twitch', query: 'ninja' });
    assert.equal(duplicate.ok ? 'ok' : duplicate.code, 'duplicate');
    assert.equal(client.subscribeCalls.length, 0, 'polling asks no platform for webhooks');

    for (let i = 2; i <= 25; i++) {
      addStreamer(client, String(1000 + i), `streamer${i}`);
      const added = await service.subscribe({ ...base, platform: 'twitch', query: `streamer${i}` });
      assert.ok(added.ok, `subscription ${i}`);
    }
    addStreamer(client, '2000', 'onetoomany');
    const over = await service.subscribe({ ...base, platform: 'twitch', query: 'onetoomany' });
    assert.equal(over.ok ? 'ok' : over.code, 'limit_reached');
    assert.match(over.ok ? '' : over.reason, /25 stream subscriptions/);
    assert.equal((await service.list(GUILD)).length, 25);
    assert.equal((await service.list(GUILD))[0]!.watch.status, 'polling');
  });

  it('a platform failure leaves no rows behind and says what went wrong', async () => {
    const database = await open();
    const client = testClient();
    addStreamer(client, '1001', 'ninja');
    client.failSubscribe = new StreamPlatformError('twitch', 'twitch: the EventSub subscription was refused (403)', { transient: false, status: 403 });
    const service = serviceOn(database, client, recordingApi());

    const result = await service.subscribe({ guildId: GUILD, channelId: CHANNEL, roleId: null, platform: 'twitch', query: 'ninja', createdBy: ADMIN });
    assert.equal(result.ok ? 'ok' : result.code, 'platform_error');
    assert.match(result.ok ? '' : result.reason, /Twitch refused to notify this hub about NINJA: twitch: the EventSub subscription was refused \(403\)/);
    assert.deepEqual(await rowCounts(database), { watches: 0, subscriptions: 0 });

    client.failSubscribe = undefined;
    assert.ok((await service.subscribe({ guildId: GUILD, channelId: CHANNEL, roleId: null, platform: 'twitch', query: 'ninja', createdBy: ADMIN })).ok, 'a later try works');
  });

  it('twenty concurrent reports of one stream post once per subscription; the end edits once and it never posts again', async () => {
    const database = await open();
    const client = testClient();
    addStreamer(client, '1001', 'ninja');
    const api = recordingApi();
    const service = serviceOn(database, client, api);
    const added = await service.subscribe({ guildId: GUILD, channelId: CHANNEL, roleId: ROLE, platform: 'twitch', query: 'ninja', createdBy: ADMIN });
    assert.ok(added.ok);

    const posted = await Promise.all(Array.from({ length: 20 }, () => service.streamStarted('twitch', '1001', stream('s-1', '1001'))));
    assert.equal(posted.reduce((a, b) => a + b, 0), 1);
    assert.equal(api.posts.length, 1);
    const post = api.posts[0]!;
    assert.equal(post.channelId, CHANNEL);
    assert.equal(post.body.content, `<@&${ROLE}> **NINJA** is live on Twitch!`);
    assert.deepEqual(post.body.allowed_mentions, { parse: [], roles: [ROLE] }, 'only the role is pinged, never @everyone from the title');
    const embed = post.body.embeds![0]!;
    assert.equal(embed.title, 'Speedrunning @everyone');
    assert.equal(embed.url, 'https://www.twitch.tv/ninja');
    assert.deepEqual(embed.fields, [{ name: 'Category', value: 'Celeste', inline: true }]);
    assert.equal(embed.image?.url, 'https://static.example/thumb.jpg');
    assert.match(embed.description ?? '', /<t:\d+:R>/);

    const ended = await Promise.all(Array.from({ length: 5 }, () => service.streamEnded('twitch', '1001', null)));
    assert.equal(ended.reduce((a, b) => a + b, 0), 1);
    assert.equal(api.edits.length, 1);
    assert.equal(api.edits[0]!.messageId, '500000000000000001');
    assert.deepEqual(api.edits[0]!.body.allowed_mentions, { parse: [] }, 'the edit pings no one');
    assert.doesNotMatch(String(api.edits[0]!.body.content), /<@&/);
    assert.match(api.edits[0]!.body.embeds![0]!.title ?? '', /was live/);

    assert.equal(await service.streamStarted('twitch', '1001', stream('s-1', '1001')), 0, 'an ended stream is not announced again');
    assert.equal(api.posts.length, 1);
    assert.equal(await service.streamStarted('twitch', '1001', stream('s-2', '1001')), 1, 'the next stream is');
  });

  it('two instances on the same database racing: still one post', async () => {
    const database = await open();
    const second = openAgain(database);
    const client = testClient();
    addStreamer(client, '1001', 'ninja');
    const api = recordingApi();
    const one = serviceOn(database, client, api);
    const two = serviceOn(second, client, api);
    assert.ok((await one.subscribe({ guildId: GUILD, channelId: CHANNEL, roleId: null, platform: 'twitch', query: 'ninja', createdBy: ADMIN })).ok);
    assert.ok((await two.subscribe({ guildId: OTHER_GUILD, channelId: CHANNEL, roleId: null, platform: 'twitch', query: 'ninja', createdBy: ADMIN })).ok);

    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).streamStarted('twitch', '1001', stream('s-1', '1001'))));
    assert.equal(api.posts.length, 2, 'one post in each of the two guilds');
    await Promise.all([one.streamEnded('twitch', '1001', 's-1'), two.streamEnded('twitch', '1001', 's-1')]);
    assert.equal(api.edits.length, 2);
  });

  it('an end reported while the post is on its way is shown once the post exists', async () => {
    const database = await open();
    const client = testClient();
    addStreamer(client, '1001', 'ninja');
    const api = recordingApi();
    const service = serviceOn(database, client, api);
    assert.ok((await service.subscribe({ guildId: GUILD, channelId: CHANNEL, roleId: null, platform: 'twitch', query: 'ninja', createdBy: ADMIN })).ok);
    const starting = service.streamStarted('twitch', '1001', stream('s-1', '1001'));
    await new Promise((resolve) => setTimeout(resolve, 2));
    await service.streamEnded('twitch', '1001', null);
    await starting;
    assert.equal(api.posts.length, 1);
    assert.equal(api.edits.length, 1, 'the post was corrected to "was live"');
  });
});
