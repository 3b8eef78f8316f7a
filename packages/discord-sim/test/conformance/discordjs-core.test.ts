/** @discordjs/core with @discordjs/ws and @discordjs/rest, unmodified, against the simulator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client, GatewayDispatchEvents, GatewayIntentBits, InteractionType } from '@discordjs/core';
import type { APIInteraction } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { WebSocketManager } from '@discordjs/ws';
import type { Simulator } from '../../src/index.ts';
import { control, createTestGuild, waitFor, withSim } from '../support/sim-helpers.ts';

const intents = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent | GatewayIntentBits.GuildMembers;

interface Bot {
  client: Client;
  gateway: WebSocketManager;
  rest: REST;
  stop(): Promise<void>;
}

function makeBot(sim: Simulator, shardCount: number | null = null): Bot {
  const rest = new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken);
  const gateway = new WebSocketManager({ token: sim.botToken, intents, rest, shardCount });
  const client = new Client({ rest, gateway });
  return { client, gateway, rest, stop: async () => gateway.destroy() };
}

async function readyBot(sim: Simulator): Promise<Bot> {
  const bot = makeBot(sim);
  const ready = new Promise<void>((resolve) => bot.client.once(GatewayDispatchEvents.GuildCreate, () => resolve()));
  await bot.gateway.connect();
  await ready;
  return bot;
}

test('@discordjs/core: READY and MESSAGE_CREATE, and the bot answers through the REST API', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const bot = makeBot(sim);
    const ready = new Promise<string>((resolve) => bot.client.once(GatewayDispatchEvents.Ready, ({ data }) => resolve(data.user.id)));
    bot.client.on(GatewayDispatchEvents.MessageCreate, async ({ data, api }) => {
      if (data.content === '!ping') await api.channels.createMessage(data.channel_id, { content: 'pong', message_reference: { message_id: data.id } });
    });
    await bot.gateway.connect();
    try {
      assert.equal(await ready, sim.botUserId);
      await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: '!ping' });
      const messages = await waitFor(async () => {
        const list = await control<Array<{ content: string; author: { id: string }; message_reference?: { message_id: string } }>>(sim, 'GET', `/channels/${ids.channels.general}/messages`);
        return list.length === 2 ? list : undefined;
      }, 'the reply');
      assert.equal(messages[1]?.content, 'pong');
      assert.equal(messages[1]?.author.id, sim.botUserId);
      assert.ok(messages[1]?.message_reference?.message_id);
    } finally {
      await bot.stop();
    }
  });
});

test('@discordjs/core: interactions answered with reply, defer + edit, and follow-up', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const bot = await readyBot(sim);
    try {
      await bot.client.api.applicationCommands.bulkOverwriteGlobalCommands(sim.applicationId, [
        { name: 'ticket', description: 'Tickets', options: [{ type: 1, name: 'open', description: 'Open one', options: [{ type: 6, name: 'for', description: 'Who', required: false }] }] },
      ]);
      bot.client.on(GatewayDispatchEvents.InteractionCreate, async ({ data, api }: { data: APIInteraction; api: Client['api'] }) => {
        if (data.type !== InteractionType.ApplicationCommand) return;
        const sub = (data.data as { options?: Array<{ name: string; options?: Array<{ value: string }> }> }).options?.[0];
        await api.interactions.defer(data.id, data.token);
        await api.interactions.editReply(data.application_id, data.token, { content: `${sub?.name} for ${sub?.options?.[0]?.value ?? 'nobody'}` });
        await api.interactions.followUp(data.application_id, data.token, { content: 'follow-up' });
      });
      const result = await control<{ callback: { type: number } | null }>(sim, 'POST', '/interactions', { name: 'ticket open', options: { for: ids.members.bob }, channelId: ids.channels.support, userId: ids.members.alice });
      assert.equal(result.callback?.type, 5);
      const contents = await waitFor(async () => {
        const list = await control<Array<{ content: string }>>(sim, 'GET', `/channels/${ids.channels.support}/messages`);
        return list.length === 2 && list[0]?.content !== '' ? list.map((m) => m.content) : undefined;
      }, 'reply and follow-up');
      assert.deepEqual(contents, [`open for ${ids.members.bob}`, 'follow-up']);
    } finally {
      await bot.stop();
    }
  });
});

test('@discordjs/ws with two shards: each guild arrives on the shard (guild_id >> 22) % 2', async () => {
  await withSim({}, async (sim) => {
    await control(sim, 'POST', '/applications/@me', { maxConcurrency: 2 });
    const guildIds: string[] = [];
    const shardOf = (id: string) => Number((BigInt(id) >> 22n) % 2n);
    while (new Set(guildIds.map(shardOf)).size < 2 || guildIds.length < 4) {
      guildIds.push((await control<{ guildId: string }>(sim, 'POST', '/guilds', { name: `Guild ${guildIds.length}` })).guildId);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const bot = makeBot(sim, 2);
    const seen = new Map<string, number>();
    bot.client.on(GatewayDispatchEvents.GuildCreate, ({ data, shardId }) => seen.set(data.id, shardId));
    await bot.gateway.connect();
    try {
      await waitFor(() => seen.size === guildIds.length, 'every guild');
      for (const id of guildIds) assert.equal(seen.get(id), shardOf(id), `guild ${id}`);
      const stats = await control<{ gateway: { connectedSessions: number } }>(sim, 'GET', '/stats');
      assert.equal(stats.gateway.connectedSessions, 2);
    } finally {
      await bot.stop();
    }
  });
});

test('@discordjs/ws resumes after close 4000 and after an abrupt drop, missing nothing', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const bot = await readyBot(sim);
    const contents: string[] = [];
    bot.client.on(GatewayDispatchEvents.MessageCreate, ({ data }) => contents.push(data.content));
    try {
      await control(sim, 'POST', '/faults', { kind: 'close', code: 4000, holdMs: 400 });
      await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: 'one' });
      await waitFor(() => contents.includes('one'), 'message one');
      await control(sim, 'POST', '/faults', { kind: 'drop', holdMs: 400 });
      await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: 'two' });
      await waitFor(() => contents.includes('two'), 'message two', 20_000);
      assert.deepEqual(contents, ['one', 'two']);
      const stats = await control<{ gateway: { identifies: number; resumes: number } }>(sim, 'GET', '/stats');
      assert.equal(stats.gateway.identifies, 1);
      assert.equal(stats.gateway.resumes, 2);
    } finally {
      await bot.stop();
    }
  });
});

test('@discordjs/ws notices silenced heartbeats (a zombie connection) and resumes', async () => {
  await withSim({ heartbeatIntervalMs: 1000 }, async (sim) => {
    await createTestGuild(sim);
    const bot = await readyBot(sim);
    try {
      await control(sim, 'POST', '/faults', { kind: 'silence' });
      await waitFor(async () => (await control<{ gateway: { resumes: number } }>(sim, 'GET', '/stats')).gateway.resumes === 1, 'a resume', 15_000);
      const stats = await control<{ gateway: { identifies: number; connectedSessions: number } }>(sim, 'GET', '/stats');
      assert.equal(stats.gateway.identifies, 1);
      assert.equal(stats.gateway.connectedSessions, 1);
    } finally {
      await bot.stop();
    }
  });
});

test('@discordjs/rest: a global 429 is waited out, and the route limit headers keep it from ever hitting one', async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const rest = new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken);
    const channel = ids.channels.general ?? '';
    await control(sim, 'POST', '/faults', { kind: 'ratelimit', global: true, times: 1, retryAfterMs: 300 });
    const started = Date.now();
    await rest.post(`/channels/${channel}/messages`, { body: { content: 'first' } });
    assert.ok(Date.now() - started >= 250);
    await control(sim, 'POST', '/stats/reset');
    // Six messages with a 5-per-5-s bucket: the client must wait for the reset on its own.
    for (let i = 0; i < 6; i++) await rest.post(`/channels/${channel}/messages`, { body: { content: `m${i}` } });
    const stats = await control<{ rest: { rateLimited: number; requests: Record<string, Record<string, number>> } }>(sim, 'GET', '/stats');
    assert.equal(stats.rest.rateLimited, 0);
    assert.deepEqual(stats.rest.requests['POST /channels/:channelId/messages'], { '200': 6 });
  });
});
