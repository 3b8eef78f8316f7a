import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectRaw } from '../support/raw-gateway.ts';
import { control, createTestGuild, withSim } from '../support/sim-helpers.ts';

const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const GUILD_MESSAGES = 1 << 9;
const MESSAGE_CONTENT = 1 << 15;

test('HELLO carries the configured heartbeat interval and heartbeats are acknowledged', async () => {
  await withSim({ heartbeatIntervalMs: 5000 }, async (sim) => {
    const gw = await connectRaw(sim.gatewayUrl);
    const hello = await gw.next((p) => p.op === 10, 'HELLO');
    assert.deepEqual((hello.d as { heartbeat_interval: number }).heartbeat_interval, 5000);
    gw.send({ op: 1, d: null });
    await gw.next((p) => p.op === 11, 'heartbeat ACK');
    gw.close();
  });
});

test('IDENTIFY yields READY with the bot, unavailable guilds and a resume URL, then GUILD_CREATE', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS | GUILD_MEMBERS);
    const ready = (await gw.dispatch('READY')).d as Record<string, unknown>;
    assert.equal(ready.v, 10);
    assert.equal((ready.user as { id: string }).id, sim.botUserId);
    assert.deepEqual(ready.guilds, [{ id: ids.guildId, unavailable: true }]);
    assert.equal(ready.resume_gateway_url, sim.gatewayUrl);
    assert.equal((ready.application as { id: string }).id, sim.applicationId);
    const guild = (await gw.dispatch('GUILD_CREATE')).d as { id: string; channels: Array<{ name: string }>; members: unknown[]; roles: unknown[] };
    assert.equal(guild.id, ids.guildId);
    assert.deepEqual(guild.channels.map((c) => c.name).sort(), ['Text', 'general', 'support']);
    assert.equal(guild.members.length, 4);
    gw.close();
  });
});

test('close codes: 4003 before identify, 4001 unknown opcode, 4002 bad JSON, 4004 bad token, 4005 identify twice', async () => {
  await withSim({}, async (sim) => {
    const cases: Array<[string, (gw: Awaited<ReturnType<typeof connectRaw>>) => void, number]> = [
      ['not authenticated', (gw) => gw.send({ op: 3, d: { status: 'online', activities: [], since: null, afk: false } }), 4003],
      ['unknown opcode', (gw) => gw.send({ op: 42, d: null }), 4001],
      ['decode error', (gw) => gw.send('{not json'), 4002],
      ['authentication failed', (gw) => gw.identify('wrong-token', GUILDS), 4004],
      [
        'already authenticated',
        (gw) => {
          gw.identify(sim.botToken, GUILDS);
          gw.identify(sim.botToken, GUILDS);
        },
        4005,
      ],
    ];
    for (const [name, act, code] of cases) {
      const gw = await connectRaw(sim.gatewayUrl);
      act(gw);
      assert.equal(await gw.closedWith(), code, name);
    }
  });
});

test('intents: invalid bits close with 4013, a privileged intent the application lacks with 4014', async () => {
  await withSim({ application: { privilegedIntents: ['GuildMembers'] } }, async (sim) => {
    const invalid = await connectRaw(sim.gatewayUrl);
    invalid.identify(sim.botToken, 1 << 30);
    assert.equal(await invalid.closedWith(), 4013);
    const disallowed = await connectRaw(sim.gatewayUrl);
    disallowed.identify(sim.botToken, GUILDS | MESSAGE_CONTENT);
    assert.equal(await disallowed.closedWith(), 4014);
    const allowed = await connectRaw(sim.gatewayUrl);
    allowed.identify(sim.botToken, GUILDS | GUILD_MEMBERS);
    await allowed.dispatch('READY');
    allowed.close();
  });
});

test('invalid shard closes with 4010 and a wrong API version with 4012', async () => {
  await withSim({}, async (sim) => {
    const shard = await connectRaw(sim.gatewayUrl);
    shard.identify(sim.botToken, GUILDS, { shard: [2, 2] });
    assert.equal(await shard.closedWith(), 4010);
    const version = await connectRaw(sim.gatewayUrl, '?v=6&encoding=json');
    assert.equal(await version.closedWith(), 4012);
  });
});

test('without MESSAGE_CONTENT, guild messages arrive without content unless they mention the bot', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const channelId = ids.channels.general;
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS | GUILD_MESSAGES);
    await gw.dispatch('READY');
    await control(sim, 'POST', `/channels/${channelId}/messages`, { authorId: ids.members.alice, content: 'secret text' });
    await control(sim, 'POST', `/channels/${channelId}/messages`, { authorId: ids.members.alice, content: `hey <@${sim.botUserId}>`, embeds: [{ title: 'kept' }] });
    await gw.next((p) => p.t === 'MESSAGE_CREATE' && (p.d as { content: string }).content.startsWith('hey'), 'the mention');
    const messages = gw.received.filter((p) => p.t === 'MESSAGE_CREATE').map((p) => p.d as { content: string; embeds: unknown[] });
    assert.equal(messages.length, 2);
    assert.equal(messages[0]?.content, '');
    assert.equal(messages[1]?.content, `hey <@${sim.botUserId}>`);
    assert.equal(messages[1]?.embeds.length, 1);
    gw.close();
  });
});

test('a session without GUILD_MESSAGES receives no message events, and sequence numbers increase by one', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const quiet = await connectRaw(sim.gatewayUrl);
    quiet.identify(sim.botToken, GUILDS);
    const loud = await connectRaw(sim.gatewayUrl);
    loud.identify(sim.botToken, GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT);
    await quiet.dispatch('GUILD_CREATE');
    await loud.dispatch('GUILD_CREATE');
    for (let i = 0; i < 3; i++) await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: `m${i}` });
    await loud.next((p) => p.t === 'MESSAGE_CREATE' && (p.d as { content: string }).content === 'm2', 'third message');
    await control(sim, 'POST', '/events', { t: 'CUSTOM_MARK', d: {} });
    await quiet.dispatch('CUSTOM_MARK');
    assert.equal(quiet.received.filter((p) => p.t === 'MESSAGE_CREATE').length, 0);
    const seqs = loud.received.filter((p) => p.op === 0).map((p) => p.s);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
    quiet.close();
    loud.close();
  });
});

test('zlib-stream: every frame ends with the sync-flush suffix and inflates in one shared context', async () => {
  await withSim({}, async (sim) => {
    await createTestGuild(sim);
    const { WebSocket } = await import('ws');
    const { createInflate, constants } = await import('node:zlib');
    const ws = new WebSocket(`${sim.gatewayUrl}/?v=10&encoding=json&compress=zlib-stream`);
    const inflate = createInflate();
    const decoded: Array<{ op: number; t: string | null }> = [];
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => {
      frames.push(data);
      inflate.write(data);
      inflate.flush(constants.Z_SYNC_FLUSH, () => {
        const chunk = inflate.read() as Buffer | null;
        if (chunk) decoded.push(JSON.parse(chunk.toString()));
      });
    });
    await new Promise((resolve) => ws.once('open', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    ws.send(JSON.stringify({ op: 2, d: { token: sim.botToken, intents: GUILDS, properties: {} } }));
    const deadline = Date.now() + 10_000;
    while (!decoded.some((p) => p.t === 'GUILD_CREATE') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(decoded.map((p) => p.t ?? p.op), [10, 'READY', 'GUILD_CREATE']);
    for (const frame of frames) assert.deepEqual([...frame.subarray(-4)], [0x00, 0x00, 0xff, 0xff]);
    ws.close(1000);
  });
});

test('more than 120 sends in a minute close the connection with 4008', async () => {
  await withSim({}, async (sim) => {
    const gw = await connectRaw(sim.gatewayUrl);
    for (let i = 0; i < 121; i++) gw.send({ op: 1, d: null });
    assert.equal(await gw.closedWith(), 4008);
  });
});

test('a client that stops heartbeating is closed as a zombie', async () => {
  await withSim({ heartbeatIntervalMs: 200 }, async (sim) => {
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS);
    await gw.dispatch('READY');
    assert.equal(await gw.closedWith(), 4009);
  });
});

test('RESUME replays what was missed then RESUMED; an unknown session gets INVALID_SESSION false', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const first = await connectRaw(sim.gatewayUrl);
    first.identify(sim.botToken, GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT);
    const ready = (await first.dispatch('READY')).d as { session_id: string };
    const guildCreate = await first.dispatch('GUILD_CREATE');
    first.ws.close(4900);
    await first.closedWith();
    await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: 'while away' });
    const second = await connectRaw(sim.gatewayUrl);
    second.send({ op: 6, d: { token: sim.botToken, session_id: ready.session_id, seq: guildCreate.s } });
    const missed = await second.dispatch('MESSAGE_CREATE');
    assert.equal((missed.d as { content: string }).content, 'while away');
    assert.equal(missed.s, (guildCreate.s ?? 0) + 1);
    const resumed = await second.dispatch('RESUMED');
    assert.equal(resumed.s, (guildCreate.s ?? 0) + 2);
    second.close();

    const third = await connectRaw(sim.gatewayUrl);
    third.send({ op: 6, d: { token: sim.botToken, session_id: 'no-such-session', seq: 1 } });
    const invalid = await third.next((p) => p.op === 9, 'INVALID_SESSION');
    assert.equal(invalid.d, false);
    third.close();
  });
});

test('a session closed by the client with 1000 cannot be resumed', async () => {
  await withSim({}, async (sim) => {
    const first = await connectRaw(sim.gatewayUrl);
    first.identify(sim.botToken, GUILDS);
    const ready = await first.dispatch('READY');
    first.close();
    await first.closedWith();
    const second = await connectRaw(sim.gatewayUrl);
    second.send({ op: 6, d: { token: sim.botToken, session_id: (ready.d as { session_id: string }).session_id, seq: ready.s } });
    assert.equal((await second.next((p) => p.op === 9, 'INVALID_SESSION')).d, false);
    second.close();
  });
});

test('REQUEST_GUILD_MEMBERS answers with a GUILD_MEMBERS_CHUNK', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, GUILDS | GUILD_MEMBERS);
    await gw.dispatch('GUILD_CREATE');
    gw.send({ op: 8, d: { guild_id: ids.guildId, query: 'ali', limit: 0, nonce: 'n1' } });
    const chunk = (await gw.dispatch('GUILD_MEMBERS_CHUNK')).d as { members: Array<{ user: { username: string } }>; nonce: string };
    assert.deepEqual(chunk.members.map((m) => m.user.username), ['alice']);
    assert.equal(chunk.nonce, 'n1');
    gw.close();
  });
});
