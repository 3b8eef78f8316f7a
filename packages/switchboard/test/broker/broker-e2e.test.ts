/**
 * The broker end to end: the simulator, the hub on each database, and two apps built on the SDK (the
 * campaign tracker example). Each app gets only its own clicks, reactions and subscribed messages; one app
 * cannot change another's message; a quick app answers in its response, a slow one is deferred and follows
 * up; deliveries are signed, tampering and replays are refused; an app offline gets what it missed; dead
 * letters and redelivery.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchboardClient, SwitchboardError } from '@switchboard/sdk';
import { CampaignTracker } from '../../../../examples/campaign-tracker/campaign-tracker.ts';
import { generateApiToken } from '../../src/auth/api-token.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { freePort } from '../support/cli.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { testHub } from '../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';

type SimCallback = { callback: { type: number; data?: { content?: string; flags?: number } } | null; deadlineMissed: boolean; token: string };

describeEachDatabase('broker end to end', ({ it, open }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let hubUrl: string;
  let admin: string;
  let quick: CampaignTracker;
  let slow: CampaignTracker;
  const guild = () => sim.demo.guildId;
  const member = (name: string) => sim.demo.members[name]!;

  async function registerTracker(id: string, extra: { subscribedChannels?: string[]; announcements: string; slowClicksMs?: number }) {
    const port = await freePort();
    const registration = await SwitchboardClient.register(hubUrl, admin, {
      id,
      name: `Campaign ${id}`,
      callbackUrl: `http://127.0.0.1:${port}/switchboard`,
      events: ['interaction.component', 'reaction.add', 'message.create'],
      guilds: [guild()],
      channels: { announcements: extra.announcements },
      ...(extra.subscribedChannels ? { subscribedChannels: extra.subscribedChannels } : {}),
    });
    const tracker = new CampaignTracker({
      hubUrl,
      appId: id,
      token: registration.token,
      signingSecret: registration.signingSecret,
      ...(extra.slowClicksMs !== undefined ? { slowClicksMs: extra.slowClicksMs } : {}),
    });
    await tracker.start(port);
    return { tracker, signingSecret: registration.signingSecret };
  }

  before(async () => {
    sim = await startTestSimulator();
    hub = await testHub(
      await open(),
      { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, APP_CALLBACKS_ALLOW_LOOPBACK: 'true', WEBHOOK_RETRY_SCALE: '0.00001' },
      { discord: true },
    );
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    admin = material.token;
    hubUrl = (await hub.start()).replace('[::1]', '127.0.0.1');
    await eventually(() => hub.discord!.status().ready, 'the hub is connected');
    quick = (await registerTracker('quick', { announcements: sim.demo.channels.announcements! })).tracker;
    slow = (await registerTracker('slow', { announcements: sim.demo.channels.events!, subscribedChannels: [sim.demo.channels.general!], slowClicksMs: 5_000 })).tracker;
    await eventually(async () => (await quick.client.get()).status === 'online' && (await slow.client.get()).status === 'online', 'both apps online');
  });

  after(async () => {
    await quick?.stop();
    await slow?.stop();
    await hub?.stop();
    await sim?.close();
  });

  const click = (messageId: string, customId: string, userId: string) =>
    sim.control<SimCallback>('POST', '/interactions', { kind: 'component', messageId, customId, userId, waitMs: 3_500 });

  it('each app gets only its own clicks; a quick app answers in its response', async () => {
    const quickMessage = await quick.announce('s1', 'Dragon raid');
    await slow.announce('s9', 'Tavern night');
    const posted = await sim.control<{ components: { components: { custom_id: string }[] }[] }[]>('GET', `/channels/${sim.demo.channels.announcements}/messages`);
    const customId = posted.at(-1)!.components[0]!.components[0]!.custom_id;
    assert.equal(customId, 'app.quick:join:s1', 'the hub namespaced the button');
    const answer = await click(quickMessage, customId, member('ada'));
    assert.equal(answer.deadlineMissed, false);
    assert.equal(answer.callback?.type, 4);
    assert.equal(answer.callback?.data?.content, "You're in for Dragon raid!");
    assert.ok(quick.sessions.get('s1')!.joined.has(member('ada')));
    const clickEvent = quick.received.find((e) => e.type === 'interaction.component');
    assert.equal(clickEvent?.type === 'interaction.component' && clickEvent.data.interaction.data.custom_id, 'join:s1', 'the app sees its own id');
    assert.equal(slow.received.filter((e) => e.type === 'interaction.component').length, 0);
  });

  it('a slow app is deferred in time and answers with a follow-up', async () => {
    const message = await slow.announce('s2', 'Siege practice');
    const answer = await click(message, 'app.slow:join:s2', member('grace'));
    assert.equal(answer.deadlineMissed, false);
    assert.equal(answer.callback?.type, 6, 'deferred update');
    await eventually(async () => {
      const messages = await sim.control<{ content: string }[]>('GET', `/channels/${sim.demo.channels.events}/messages`);
      return messages.some((m) => m.content === "You're in for Siege practice!");
    }, 'the follow-up arrived', 15_000);
  });

  it('reactions reach the owner of the message only; subscribed channels reach their subscriber only', async () => {
    const message = quick.sessions.get('s1')!.messageId;
    await sim.control('POST', '/reactions', { messageId: message, userId: member('alan'), emoji: '⚔️', channelId: sim.demo.channels.announcements });
    await eventually(() => quick.sessions.get('s1')!.reactions.get('⚔️') === 1, 'the quick app counted the reaction', 10_000);
    await sim.control('POST', `/channels/${sim.demo.channels.general}/messages`, { authorId: member('katherine'), content: 'who is up for a raid?' });
    await eventually(() => slow.channelMessages.includes('who is up for a raid?'), 'the subscriber got the message', 10_000);
    assert.equal(slow.received.filter((e) => e.type === 'reaction.add').length, 0);
    assert.equal(quick.channelMessages.length, 0);
  });

  it("an app cannot edit or delete another app's message", async () => {
    const message = quick.sessions.get('s1')!.messageId;
    await assert.rejects(slow.client.edit(message, { content: 'hijacked' }), (error: unknown) => error instanceof SwitchboardError && error.status === 403 && error.code === 'not_owner');
    await assert.rejects(slow.client.delete(message), (error: unknown) => error instanceof SwitchboardError && error.status === 403);
    const edited = await quick.client.edit(message, { content: 'Dragon raid (full)' });
    assert.equal(edited.messageId, message);
  });

  it('deliveries are signed: a tampered or replayed delivery is refused by the SDK', async () => {
    const deliveries = await quick.client.deliveries({ limit: 5 });
    assert.ok(deliveries.length > 0);
    // Capture a real signed request by pointing a ping at a recorder, then replay and tamper with it.
    const captured: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const recorder = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        captured.push({ headers: request.headers, body });
        response.end();
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    const recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/hook`;
    const patch = await fetch(`${hubUrl}/api/v1/apps/quick`, { method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ callbackUrl: recorderUrl }) });
    assert.equal(patch.status, 200);
    await quick.client.ping();
    await eventually(() => captured.length > 0, 'the ping was delivered', 10_000);
    await fetch(`${hubUrl}/api/v1/apps/quick`, { method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ callbackUrl: quick.callbackUrl }) });
    recorder.close();

    const { headers, body } = captured[0]!;
    const send = (payload: string) =>
      fetch(quick.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': String(headers['webhook-id']), 'webhook-timestamp': String(headers['webhook-timestamp']), 'webhook-signature': String(headers['webhook-signature']) },
        body: payload,
      });
    assert.match(String(headers['webhook-signature']), /^v1,/);
    assert.equal((await send(body)).status, 200, 'the genuine delivery is accepted');
    assert.equal((await send(body)).status, 409, 'the same request again is a replay');
    assert.equal((await send(body.replace('"ping"', '"pong"'))).status, 401, 'a tampered body fails the signature');
  });

  it('an app offline gets what it missed once it is back', async () => {
    quick.stopHeartbeats();
    await hub.database.db.updateTable('apps').set({ last_heartbeat_at: Date.now() - 60 * 60_000 }).where('id', '=', 'quick').execute();
    const before = quick.received.filter((e) => e.type === 'reaction.add').length;
    await sim.control('POST', '/reactions', { messageId: quick.sessions.get('s1')!.messageId, userId: member('grace'), emoji: '🛡️', channelId: sim.demo.channels.announcements });
    await new Promise((r) => setTimeout(r, 1_500)); // more than a worker poll: it must wait
    assert.equal(quick.received.filter((e) => e.type === 'reaction.add').length, before, 'nothing is sent to an offline app');
    const pending = await quick.client.deliveries({ status: 'pending' });
    assert.ok(pending.length >= 1);
    await quick.client.heartbeat();
    await eventually(() => quick.sessions.get('s1')!.reactions.get('🛡️') === 1, 'delivered once back', 10_000);
  });

  it('a failing endpoint ends in dead letters, and redelivery sends the same webhook-id', async () => {
    let failing = true;
    const seen: string[] = [];
    const flaky = http.createServer((request, response) => {
      seen.push(String(request.headers['webhook-id']));
      request.resume();
      response.statusCode = failing ? 500 : 200;
      response.end();
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const registration = await SwitchboardClient.register(hubUrl, admin, {
      id: 'flaky',
      name: 'Flaky',
      callbackUrl: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`,
      events: ['reaction.add'],
      guilds: [guild()],
    });
    const client = registration.client;
    await client.heartbeat();
    await client.ping();
    await eventually(async () => (await client.deliveries({ status: 'dead' })).length === 1, 'the delivery is dead', 20_000);
    const [dead] = await client.deliveries({ status: 'dead' });
    assert.ok(dead!.attempts >= 8, `every attempt of the schedule was made (${dead!.attempts})`);
    failing = false;
    await client.redeliver(dead!.id);
    await eventually(async () => (await client.deliveries({ status: 'delivered' })).length === 1, 'redelivered', 10_000);
    assert.equal(new Set(seen).size, 1, 'one webhook-id on every attempt, redelivery included');
    flaky.close();
  });
});
