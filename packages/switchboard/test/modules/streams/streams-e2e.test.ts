/**
 * Go-live notifications end to end, on each database: the hub on a known port (its PUBLIC_URL is where the
 * platforms fake sends webhooks), the Discord simulator, and the fake Twitch, Kick and YouTube. With
 * webhooks, for each platform: `/stream add` → the platform verifies the callback → the streamer goes live
 * → one post with the role mention → a replayed webhook changes nothing → a tampered one is refused → the
 * stream ends → the post is edited. With polling: one post, also with two hubs polling one database. And
 * the API's access rules and validation.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import type { Hub } from '../../../src/hub.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { freePort } from '../../support/cli.ts';
import { describeEachDatabase, type TestDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../../support/simulator.ts';
import { startStreamPlatformsFake, type FakePlatform, type FakeWebhookRequest, type StreamPlatformsFake } from '../../support/stream-platforms-fake.ts';

type Callback = { callback: { type: number; data?: { content?: string; flags?: number } } | null; deadlineMissed: boolean };
type SimMessage = { id: string; content: string; edited_timestamp?: string | null; embeds?: { title?: string; description?: string }[] };

const LABEL: Record<FakePlatform, string> = { twitch: 'Twitch', kick: 'Kick', youtube: 'YouTube' };

function platformEnv(fake: StreamPlatformsFake): Record<string, string> {
  return {
    TWITCH_CLIENT_ID: fake.twitch.clientId,
    TWITCH_CLIENT_SECRET: fake.twitch.clientSecret,
    TWITCH_OAUTH_URL: fake.twitch.oauthBaseUrl,
    TWITCH_API_URL: fake.twitch.apiUrl,
    KICK_CLIENT_ID: fake.kick.clientId,
    KICK_CLIENT_SECRET: fake.kick.clientSecret,
    KICK_OAUTH_URL: fake.kick.oauthBaseUrl,
    KICK_API_URL: fake.kick.apiUrl,
    YOUTUBE_API_KEY: fake.youtube.apiKey,
    YOUTUBE_API_URL: fake.youtube.apiUrl,
    YOUTUBE_WEBSUB_HUB_URL: fake.youtube.hubUrl,
  };
}

/** The webhook with a byte of its body changed (and, where there is one, a new message id, so only the signature can refuse it). */
function tampered(request: FakeWebhookRequest): FakeWebhookRequest {
  const headers = { ...request.headers };
  for (const name of Object.keys(headers)) if (/message-id$/i.test(name)) headers[name] = `${headers[name]}x`;
  return { ...request, headers, body: request.body.replace(/.$/s, (last) => ` ${last}`) };
}

async function withAdminToken(hub: Hub): Promise<string> {
  const material = generateApiToken();
  await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
  return material.token;
}

describeEachDatabase('go-live notifications with webhooks', ({ it, open }) => {
  let sim: TestSimulator;
  let fake: StreamPlatformsFake;
  let hub: Hub;
  let admin: string;
  let viewer: string;
  const channel = () => sim.demo.channels.announcements!;
  const role = () => sim.demo.roles.Member!;
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string | undefined, payload?: object) =>
    hub.http.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
  const posts = async (platform: FakePlatform) =>
    (await sim.control<SimMessage[]>('GET', `/channels/${channel()}/messages`)).filter((m) => m.content.includes(` on ${LABEL[platform]}`));

  before(async () => {
    sim = await startTestSimulator();
    fake = await startStreamPlatformsFake();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    fake.kick.setWebhookUrl(`${publicUrl}/webhooks/kick`);
    hub = await testHub(
      await open(),
      { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, PORT: String(port), PUBLIC_URL: publicUrl, USER_RATE_LIMIT_BURST: '50', STREAM_DELIVERY: 'webhooks', STREAM_POLL_INTERVAL_MS: '300', ...platformEnv(fake) },
      { discord: true },
    );
    admin = await withAdminToken(hub);
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'viewer', role: 'viewer', tokenHash: material.hash, now: Date.now() });
    viewer = material.token;
    await hub.start();
    await eventually(() => hub.discord!.status().ready, 'connected');
    await eventually(async () => (await sim.control<{ name: string }[]>('GET', `/commands?guildId=${sim.demo.guildId}`)).some((c) => c.name === 'stream'), '/stream registered');
  });
  after(async () => {
    await hub?.stop();
    await fake?.close();
    await sim?.close();
  });

  it('/stream add refuses a member without Manage Server', async () => {
    const refused = await sim.control<Callback>('POST', '/interactions', {
      kind: 'command',
      name: 'stream add',
      options: { platform: 'twitch', streamer: 'whoever', channel: channel() },
      channelId: sim.demo.channels['bot-commands'],
      userId: sim.demo.members.linus, // a plain member (Ada owns the demo server)
    });
    assert.equal(refused.callback?.data?.flags, 64, 'ephemeral');
    assert.match(refused.callback?.data?.content ?? '', /Manage Server/);
  });

  for (const platform of ['twitch', 'kick', 'youtube'] as const) {
    it(`${LABEL[platform]}: subscribe by command, verified callback, one post, replay and forgery refused, edited at the end`, async () => {
      const streamer = fake.addStreamer(platform, { login: `${platform}star` });
      const added = await sim.control<Callback>('POST', '/interactions', {
        kind: 'command',
        name: 'stream add',
        options: { platform, streamer: streamer.login, channel: channel(), role: role() },
        channelId: sim.demo.channels['bot-commands'],
        userId: sim.demo.ownerId,
        waitMs: 3_500,
      });
      assert.equal(added.deadlineMissed, false);
      await eventually(async () => {
        const listed = (await api('GET', `/api/v1/guilds/${sim.demo.guildId}/streams`, viewer)).json().data.subscriptions as { platform: string; status: string; roleId: string }[];
        return listed.some((s) => s.platform === platform && s.status === 'active' && s.roleId === role());
      }, `the ${platform} subscription was confirmed`);
      await fake.idle();
      assert.ok(fake.subscriptions(platform).some((s) => s.streamerId === streamer.id), 'the platform holds the subscription');

      const live = await fake.goLive(platform, streamer.id, { title: 'Grand final', category: 'Chess' });
      await fake.idle();
      assert.ok(live.deliveries.length > 0 && live.deliveries.every((d) => d.status >= 200 && d.status < 300), JSON.stringify(live.deliveries));
      await eventually(async () => (await posts(platform)).length === 1, `the ${platform} stream was announced`);
      const [post] = await posts(platform);
      assert.match(post!.content, new RegExp(`^<@&${role()}> `), 'the role is mentioned');

      const last = fake.lastWebhook(platform)!;
      const replay = await fake.send(last);
      assert.equal(replay.status, 204, 'a replay is acknowledged');
      const forged = await fake.send(tampered(last));
      assert.equal(forged.status, platform === 'youtube' ? 204 : 403, platform === 'youtube' ? 'WebSub wants 2xx, the content is ignored' : 'a tampered body is refused');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await posts(platform)).length, 1, 'still one post');

      await fake.goOffline(platform, streamer.id);
      await fake.idle();
      await eventually(async () => (await posts(platform))[0]?.content.includes('was live') === true, `the ${platform} post was marked ended`);
      const ended = (await posts(platform))[0]!;
      assert.equal(ended.id, post!.id, 'the same post, edited');
      assert.doesNotMatch(ended.content, /<@&/, 'the edit pings no one');
      assert.match(ended.embeds?.[0]?.description ?? '', /Streamed for/);

      const metrics = await hub.http.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.body, new RegExp(`switchboard_stream_webhooks_total\\{platform="${platform}",outcome="forged"\\} 1`));
      assert.match(metrics.body, new RegExp(`switchboard_stream_announcements_total\\{platform="${platform}",kind="posted"\\} 1`));
    });
  }

  it('/stream list shows the subscriptions and /stream remove takes one away', async () => {
    const streamer = fake.addStreamer('twitch', { login: 'liststar' });
    const created = await api('POST', `/api/v1/guilds/${sim.demo.guildId}/streams`, admin, { platform: 'twitch', streamer: streamer.login, channelId: channel() });
    assert.equal(created.statusCode, 201, created.body);
    const command = (name: string, options: object = {}) =>
      sim.control<Callback>('POST', '/interactions', { kind: 'command', name, options, channelId: sim.demo.channels['bot-commands'], userId: sim.demo.ownerId });

    const listed = await command('stream list');
    assert.equal(listed.callback?.data?.flags, 64);
    assert.match(listed.callback?.data?.content ?? '', /Twitch · LISTSTAR → <#\d+>|Twitch · liststar → <#\d+>/);
    const unknown = await command('stream remove', { streamer: 'nobody' });
    assert.match(unknown.callback?.data?.content ?? '', /No go-live announcement here matches "nobody"/);
    const removed = await command('stream remove', { streamer: created.json().data.id });
    assert.match(removed.callback?.data?.content ?? '', /^Removed: Twitch · /);
    const ids = ((await api('GET', `/api/v1/guilds/${sim.demo.guildId}/streams`, viewer)).json().data.subscriptions as { id: string }[]).map((s) => s.id);
    assert.ok(!ids.includes(created.json().data.id as string));
  });

  it('the API: 401 without a token, 403 for a viewer adding, 400 naming a bad field, 422 for an unknown streamer, 201 and 404 for an admin', async () => {
    const base = `/api/v1/guilds/${sim.demo.guildId}/streams`;
    assert.equal((await api('GET', base, undefined)).statusCode, 401);
    const streamer = fake.addStreamer('twitch', { login: 'apistar' });
    const body = { platform: 'twitch', streamer: streamer.login, channelId: channel() };
    assert.equal((await api('POST', base, viewer, body)).statusCode, 403);
    // The hub answers every request that fails its schema with 400 validation_failed, naming the field.
    const bad = await api('POST', base, admin, { ...body, channelId: 'general' });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /channelId/);
    const unknownPlatform = await api('POST', base, admin, { ...body, platform: 'myspace' });
    assert.equal(unknownPlatform.statusCode, 400);
    assert.match(unknownPlatform.body, /platform/);
    const unknown = await api('POST', base, admin, { ...body, streamer: 'nobody_here' });
    assert.equal(unknown.statusCode, 422, unknown.body);
    assert.match(unknown.json().error.message, /Twitch knows no streamer "nobody_here"/);

    const created = await api('POST', base, admin, body);
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().data.id as string;
    assert.equal(created.json().data.streamer.login, 'apistar');
    assert.equal((await api('DELETE', `/api/v1/guilds/100000000000000099/streams/${id}`, admin)).statusCode, 404, "another guild's id is not found");
    assert.equal((await api('DELETE', `${base}/${id}`, admin)).statusCode, 200);
    assert.equal((await api('DELETE', `${base}/${id}`, admin)).statusCode, 404);
  });
});

describeEachDatabase('go-live notifications by polling', ({ it, open, openAgain }) => {
  it('announces once within a few intervals, with two hubs polling the same database', async () => {
    const sim = await startTestSimulator();
    const fake = await startStreamPlatformsFake();
    const env = { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, STREAM_DELIVERY: 'polling', STREAM_POLL_INTERVAL_MS: '200', ...platformEnv(fake) };
    const database: TestDatabase = await open();
    const hubs: Hub[] = [];
    try {
      hubs.push(await testHub(database, env, { discord: true }), await testHub(openAgain(database), env, { discord: true }));
      const admin = await withAdminToken(hubs[0]!);
      for (const hub of hubs) await hub.start();
      await eventually(() => hubs.every((hub) => hub.discord!.status().ready), 'both connected');
      const channel = sim.demo.channels.announcements!;
      const posts = async () => (await sim.control<SimMessage[]>('GET', `/channels/${channel}/messages`)).filter((m) => m.content.includes('on Twitch'));

      const streamer = fake.addStreamer('twitch', { login: 'pollstar' });
      const created = await hubs[1]!.http.inject({ method: 'POST', url: `/api/v1/guilds/${sim.demo.guildId}/streams`, headers: { authorization: `Bearer ${admin}` }, payload: { platform: 'twitch', streamer: 'pollstar', channelId: channel } });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().data.status, 'polling');
      assert.equal(fake.subscriptions('twitch').length, 0, 'no webhook subscription when polling');

      await fake.goLive('twitch', streamer.id, { title: 'Polled' });
      await eventually(async () => (await posts()).length === 1, 'the polled stream was announced', 5_000);
      await new Promise((r) => setTimeout(r, 1_000)); // five more intervals, on both hubs
      assert.equal((await posts()).length, 1, 'still one post');

      await fake.goOffline('twitch', streamer.id);
      await eventually(async () => (await posts())[0]?.content.includes('was live') === true, 'the post was marked ended', 5_000);
    } finally {
      for (const hub of hubs) await hub.stop();
      await fake.close();
      await sim.close();
    }
  });
});
