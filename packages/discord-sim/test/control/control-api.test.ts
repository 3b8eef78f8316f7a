import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectRaw } from '../support/raw-gateway.ts';
import { api, control, createTestGuild, withSim } from '../support/sim-helpers.ts';

const GUILDS = 1;
const GUILD_MEMBERS = 1 << 1;
const GUILD_MESSAGES = 1 << 9;
const DIRECT_MESSAGES = 1 << 12;
const MESSAGE_CONTENT = 1 << 15;

test('POST /_sim/guilds builds the guild; GET shows channels, roles, members and threads with their flags', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim);
    assert.ok(ids.channels.general && ids.roles.Helper && ids.members.alice);
    const thread = await api<{ id: string }>(sim, 'POST', `/channels/${ids.channels.general}/threads`, { name: 'help', type: 11 });
    await api(sim, 'PATCH', `/channels/${thread.body.id}`, { locked: true });
    const snapshot = await control<{
      name: string;
      owner_id: string;
      roles: Array<{ name: string }>;
      members: Array<{ user: { username: string }; roles: string[] }>;
      channels: Array<{ name: string; parent_id: string | null }>;
      threads: Array<{ id: string; archived: boolean; locked: boolean }>;
    }>(sim, 'GET', `/guilds/${ids.guildId}`);
    assert.equal(snapshot.name, 'Test Guild');
    assert.equal(snapshot.owner_id, ids.ownerId);
    assert.deepEqual(snapshot.roles.map((r) => r.name), ['@everyone', 'Helper', 'Switchboard']);
    assert.deepEqual(snapshot.members.find((m) => m.user.username === 'bob')?.roles, [ids.roles.Helper]);
    assert.equal(snapshot.channels.find((c) => c.name === 'general')?.parent_id, ids.channels.Text);
    assert.deepEqual(snapshot.threads.map((t) => [t.id, t.archived, t.locked]), [[thread.body.id, false, true]]);
  });
});

test('a user joining is dispatched as GUILD_MEMBER_ADD; a user post parses mentions', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS | GUILD_MEMBERS | GUILD_MESSAGES | MESSAGE_CONTENT);
    await gw.dispatch('GUILD_CREATE');
    const user = await control<{ id: string }>(sim, 'POST', '/users', { username: 'carol', global_name: 'Carol' });
    await control(sim, 'POST', `/guilds/${ids.guildId}/members`, { userId: user.id });
    const added = (await gw.dispatch('GUILD_MEMBER_ADD')).d as { guild_id: string; user: { id: string } };
    assert.deepEqual([added.guild_id, added.user.id], [ids.guildId, user.id]);
    await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: user.id, content: `<@${ids.members.alice}> <@&${ids.roles.Helper}> @everyone` });
    const message = (await gw.dispatch('MESSAGE_CREATE')).d as { mentions: Array<{ id: string }>; mention_roles: string[]; mention_everyone: boolean; member: { roles: string[] } };
    assert.deepEqual(message.mentions.map((m) => m.id), [ids.members.alice]);
    assert.deepEqual(message.mention_roles, [ids.roles.Helper]);
    assert.equal(message.mention_everyone, true);
    assert.deepEqual(message.member.roles, []);
    gw.close();
  });
});

test('DMs: a user DMs the bot over the gateway; a user with DMs closed answers 50007', async () => {
  await withSim({}, async (sim) => {
    const open = await control<{ id: string }>(sim, 'POST', '/users', { username: 'dana' });
    const closed = await control<{ id: string }>(sim, 'POST', '/users', { username: 'eve', dmsClosed: true });
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, DIRECT_MESSAGES);
    await gw.dispatch('READY');
    const dm = await control<{ channelId: string }>(sim, 'POST', `/users/${open.id}/dm`, { content: 'hello bot' });
    const received = (await gw.dispatch('MESSAGE_CREATE')).d as { channel_id: string; content: string; guild_id?: string };
    assert.deepEqual([received.channel_id, received.content, received.guild_id], [dm.channelId, 'hello bot', undefined]);
    assert.equal((await api(sim, 'POST', `/channels/${dm.channelId}/messages`, { content: 'hi dana' })).status, 200);
    const channel = await api<{ id: string }>(sim, 'POST', '/users/@me/channels', { recipient_id: closed.id });
    const refused = await api(sim, 'POST', `/channels/${channel.body.id}/messages`, { content: 'hi eve' });
    assert.deepEqual([refused.status, refused.body.code, refused.body.message], [403, 50007, 'Cannot send messages to this user']);
    gw.close();
  });
});

test('interactions: an unanswered one reports the missed deadline; late and second callbacks are refused', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    await api(sim, 'POST', `/applications/${sim.applicationId}/guilds/${ids.guildId}/commands`, { name: 'late', description: 'Never answered in time' });
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS);
    await gw.dispatch('GUILD_CREATE');
    const missed = await control<{ interactionId: string; token: string; callback: null; deadlineMissed: boolean }>(sim, 'POST', '/interactions', { name: 'late', channelId: ids.channels.general, userId: ids.members.alice, waitMs: 200 });
    assert.equal(missed.deadlineMissed, true);
    const created = (await gw.dispatch('INTERACTION_CREATE')).d as { id: string; token: string; member: { user: { id: string } }; data: { name: string }; app_permissions: string };
    assert.deepEqual([created.id, created.token, created.data.name, created.member.user.id], [missed.interactionId, missed.token, 'late', ids.members.alice]);
    assert.ok(BigInt(created.app_permissions) > 0n);

    const quick = await control<{ interactionId: string; token: string }>(sim, 'POST', '/interactions', { name: 'late', channelId: ids.channels.general, userId: ids.members.alice, waitMs: 10 });
    const callback = (id: string, token: string) => api(sim, 'POST', `/interactions/${id}/${token}/callback?with_response=true`, { type: 4, data: { content: 'ok' } }, null);
    const first = await callback(quick.interactionId, quick.token);
    assert.equal(first.status, 200);
    assert.equal((first.body.resource as { message: { content: string } }).message.content, 'ok');
    const second = await callback(quick.interactionId, quick.token);
    assert.deepEqual([second.status, second.body.code], [400, 40060]);

    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const late = await callback(missed.interactionId, missed.token);
    assert.deepEqual([late.status, late.body.code, late.body.message], [404, 10062, 'Unknown interaction']);
    const unknownWebhook = await api(sim, 'PATCH', `/webhooks/${sim.applicationId}/not-a-token/messages/@original`, { content: 'x' }, null);
    assert.equal(unknownWebhook.body.code, 10015);
    gw.close();
  });
});

test('faults: a route answers a status N times, latency is added, gateway connections close with a code', async () => {
  await withSim({}, async (sim) => {
    await control(sim, 'POST', '/faults', { kind: 'http', method: 'GET', route: '/users/@me', status: 503, times: 2 });
    assert.deepEqual([(await api(sim, 'GET', '/users/@me')).status, (await api(sim, 'GET', '/users/@me')).status, (await api(sim, 'GET', '/users/@me')).status], [503, 503, 200]);
    await control(sim, 'POST', '/faults', { kind: 'latency', ms: 300, route: '/users/:id' });
    const started = Date.now();
    await api(sim, 'GET', '/users/@me');
    assert.ok(Date.now() - started >= 280);
    await control(sim, 'DELETE', '/faults');
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS);
    await gw.dispatch('READY');
    const closed = await control<{ affected: number }>(sim, 'POST', '/faults', { kind: 'close', code: 4000 });
    assert.equal(closed.affected, 1);
    assert.equal(await gw.closedWith(), 4000);
  });
});

test('silence stops heartbeat ACKs and reconnect sends op 7', async () => {
  await withSim({}, async (sim) => {
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS);
    await gw.dispatch('READY');
    await control(sim, 'POST', '/faults', { kind: 'silence' });
    gw.send({ op: 1, d: 1 });
    await control(sim, 'POST', '/faults', { kind: 'reconnect' });
    await gw.next((p) => p.op === 7, 'RECONNECT');
    assert.equal(gw.received.filter((p) => p.op === 11).length, 0);
    await control(sim, 'DELETE', '/faults');
    gw.send({ op: 1, d: 1 });
    await gw.next((p) => p.op === 11, 'ACK after clearing');
    gw.close();
  });
});

test('stats count requests by route and status and gateway traffic; reset clears them', async () => {
  await withSim({}, async (sim) => {
    await api(sim, 'GET', '/users/@me');
    await api(sim, 'GET', '/channels/1');
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS);
    await gw.dispatch('READY');
    const stats = await control<{ rest: { total: number; requests: Record<string, Record<string, number>> }; gateway: { identifies: number; dispatches: number; sends: number; connectedSessions: number } }>(sim, 'GET', '/stats');
    assert.deepEqual(stats.rest.requests, { 'GET /users/@me': { '200': 1 }, 'GET /channels/:channelId': { '404': 1 } });
    assert.deepEqual([stats.gateway.identifies, stats.gateway.dispatches, stats.gateway.sends, stats.gateway.connectedSessions], [1, 1, 1, 1]);
    await control(sim, 'POST', '/stats/reset');
    assert.equal((await control<{ rest: { total: number } }>(sim, 'GET', '/stats')).rest.total, 0);
    gw.close();
  });
});

test('the load generator pushes MESSAGE_CREATE dispatches without storing them', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT);
    await gw.dispatch('GUILD_CREATE');
    const result = await control<{ sent: number; stored: boolean }>(sim, 'POST', '/load/messages', { channelId: ids.channels.general, authorId: ids.members.alice, count: 500 });
    assert.deepEqual([result.sent, result.stored], [500, false]);
    await gw.next((p) => p.t === 'MESSAGE_CREATE' && (p.d as { content: string }).content === 'load message 500', 'the last load message');
    assert.equal(gw.received.filter((p) => p.t === 'MESSAGE_CREATE').length, 500);
    assert.deepEqual(await control(sim, 'GET', `/channels/${ids.channels.general}/messages`), []);
    gw.close();
  });
});

test('the application\'s privileged intents can change at run time, and /applications/@me reports them as flags', async () => {
  await withSim({}, async (sim) => {
    const before = await api<{ flags: number }>(sim, 'GET', '/applications/@me');
    assert.equal(before.body.flags & ((1 << 12) | (1 << 14) | (1 << 18)), (1 << 12) | (1 << 14) | (1 << 18));
    await control(sim, 'POST', '/applications/@me', { privilegedIntents: ['GuildMembers'] });
    const after = await api<{ flags: number }>(sim, 'GET', '/applications/@me');
    assert.equal(after.body.flags, 1 << 14);
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS | MESSAGE_CONTENT);
    assert.equal(await gw.closedWith(), 4014);
  });
});
