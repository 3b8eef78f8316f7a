import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { API } from '@discordjs/core';
import { ACTIVE_THREADS_PER_GUILD_MAX, CHANNELS_PER_CATEGORY_MAX, CHANNELS_PER_GUILD_MAX } from 'discord-limits';
import { startTestSimulator, type SimStats, type TestSimulator } from '../../../support/simulator.ts';
import { TicketChannelManager } from '../../../../src/modules/tickets/discord/ticket-channel-manager.ts';
import { TicketLimitRefusal } from '../../../../src/modules/tickets/discord/ticket-discord-errors.ts';
import { ACTIVE_TICKETS_CATEGORY } from '../../../../src/modules/tickets/discord/ticket-layout.ts';
import { apiFor, byName, guildState, ticketInput } from './ticket-sim-support.ts';

type CreatedGuild = { guildId: string; members: Record<string, string>; channels: Record<string, string>; roles: Record<string, string> };

function requestsMatching(stats: SimStats, pattern: RegExp): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [route, byStatus] of Object.entries(stats.rest.requests)) {
    if (!pattern.test(route)) continue;
    for (const [status, count] of Object.entries(byStatus)) counts[status] = (counts[status] ?? 0) + count;
  }
  return counts;
}

describe('TicketChannelManager at the channel limits', () => {
  let sim: TestSimulator;
  let api: API;

  before(async () => {
    sim = await startTestSimulator();
    api = apiFor(sim);
  });

  after(() => sim.close());

  it(`opens "${ACTIVE_TICKETS_CATEGORY} 2" when the first category holds ${CHANNELS_PER_CATEGORY_MAX} channels`, async () => {
    const fillers = Array.from({ length: CHANNELS_PER_CATEGORY_MAX }, (_, i) => ({ name: `old-${i}`, parent: ACTIVE_TICKETS_CATEGORY }));
    const guild = await sim.control<CreatedGuild>('POST', '/guilds', {
      name: 'Full Category',
      members: [{ username: 'owner-fc' }, { username: 'asker-fc' }],
      channels: [{ name: ACTIVE_TICKETS_CATEGORY, type: 'category' }, ...fillers],
    });
    const manager = new TicketChannelManager({ api });
    const opened = await manager.openThread(ticketInput(guild.guildId, 'billing', 1, guild.members['asker-fc'] ?? ''));
    const state = await guildState(sim, guild.guildId);
    const [overflow] = byName(state, `${ACTIVE_TICKETS_CATEGORY} 2`);
    assert.ok(overflow, 'the overflow category exists');
    assert.equal(byName(state, 'billing')[0]?.parent_id, overflow.id);
    assert.equal(byName(state, 'billing')[0]?.id, opened.channelId);
    assert.equal(state.channels.filter((c) => c.parent_id === guild.channels[ACTIVE_TICKETS_CATEGORY]).length, CHANNELS_PER_CATEGORY_MAX);
  });

  it(`refuses clearly, without calling Discord to create anything, when the guild has ${CHANNELS_PER_GUILD_MAX} channels`, async () => {
    const channels = Array.from({ length: CHANNELS_PER_GUILD_MAX }, (_, i) => ({ name: `room-${i}` }));
    const guild = await sim.control<CreatedGuild>('POST', '/guilds', { name: 'Full Guild', members: [{ username: 'owner-fg' }, { username: 'asker-fg' }], channels });
    const creates = async () => requestsMatching(await sim.control<SimStats>('GET', '/stats'), /^POST \/guilds\/[^/]+\/channels$/);
    const before = await creates();
    const manager = new TicketChannelManager({ api });
    await assert.rejects(manager.openThread(ticketInput(guild.guildId, 'Bug Reports', 1, guild.members['asker-fg'] ?? '')), (error: unknown) => {
      assert.ok(error instanceof TicketLimitRefusal);
      assert.equal(error.limit, 'guild-channel-limit');
      assert.equal(
        error.message,
        `This server has ${CHANNELS_PER_GUILD_MAX} channels, Discord's limit is ${CHANNELS_PER_GUILD_MAX}, so I can't create #bug-reports and a category for it; delete unused channels or categories and try again.`,
      );
      return true;
    });
    await assert.rejects(manager.ensureLayout(guild.guildId, [{ channelName: 'x' }]), TicketLimitRefusal);
    assert.deepEqual(await creates(), before);
    assert.equal((await guildState(sim, guild.guildId)).channels.length, CHANNELS_PER_GUILD_MAX);
  });
});

describe(`TicketChannelManager at the cap of ${ACTIVE_THREADS_PER_GUILD_MAX} active threads`, () => {
  let sim: TestSimulator;
  let api: API;

  before(async () => {
    // Filling the guild with threads is set-up, not the subject: no rate limits here.
    sim = await startTestSimulator({ realisticRateLimits: false });
    api = apiFor(sim);
  });

  after(() => sim.close());

  async function fillThreads(channelId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 50) {
      const batch = Array.from({ length: Math.min(50, count - start) }, async (_, i) => {
        const response = await fetch(`${sim.apiBase}/v10/channels/${channelId}/threads`, {
          method: 'POST',
          headers: { authorization: `Bot ${sim.botToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `filler ${start + i}`, type: 12 }),
        });
        assert.ok(response.ok, await response.clone().text());
        return ((await response.json()) as { id: string }).id;
      });
      ids.push(...(await Promise.all(batch)));
    }
    return ids;
  }

  it('refuses with a sentence when nothing can be archived, then archives a closed ticket, then an idle one, to make room', async () => {
    const guild = await sim.control<CreatedGuild>('POST', '/guilds', {
      name: 'Busy Guild',
      members: [{ username: 'owner-bg' }, { username: 'asker-bg' }],
      channels: [{ name: 'chatter' }],
    });
    const asker = guild.members['asker-bg'] ?? '';
    let closed: string[] = [];
    let now = Date.now();
    const manager = new TicketChannelManager({ api, closedTicketThreads: async () => closed, now: () => now });
    const first = await manager.openThread(ticketInput(guild.guildId, 'general-support', 1, asker));
    const fillers = await fillThreads(guild.channels.chatter ?? '', ACTIVE_THREADS_PER_GUILD_MAX - 1);
    const active = async () => (await guildState(sim, guild.guildId)).threads.filter((t) => !t.archived);
    assert.equal((await active()).length, ACTIVE_THREADS_PER_GUILD_MAX);

    await assert.rejects(manager.openThread(ticketInput(guild.guildId, 'general-support', 2, asker)), (error: unknown) => {
      assert.ok(error instanceof TicketLimitRefusal);
      assert.equal(error.limit, 'active-thread-limit');
      assert.match(error.message, new RegExp(`^This server has ${ACTIVE_THREADS_PER_GUILD_MAX} active threads, Discord's limit is ${ACTIVE_THREADS_PER_GUILD_MAX}, and none of them belongs to a closed or idle ticket; archive some threads and try again\\.$`));
      return true;
    });
    assert.equal((await guildState(sim, guild.guildId)).threads.length, ACTIVE_THREADS_PER_GUILD_MAX, 'no thread was created');

    closed = [fillers[0] ?? ''];
    const second = await manager.openThread(ticketInput(guild.guildId, 'general-support', 2, asker));
    let state = await guildState(sim, guild.guildId);
    const archivedFiller = state.threads.find((t) => t.id === fillers[0]);
    assert.deepEqual([archivedFiller?.archived, archivedFiller?.locked], [true, true], "the closed ticket's thread was archived and locked");
    assert.equal(state.threads.find((t) => t.id === second.threadId)?.archived, false);
    assert.equal(state.threads.filter((t) => !t.archived).length, ACTIVE_THREADS_PER_GUILD_MAX);

    closed = [];
    now = Date.now() + 8 * 24 * 60 * 60_000;
    const third = await manager.openThread(ticketInput(guild.guildId, 'general-support', 3, asker));
    state = await guildState(sim, guild.guildId);
    const idle = state.threads.find((t) => t.id === first.threadId);
    assert.deepEqual([idle?.archived, idle?.locked], [true, false], 'the least recently active ticket thread was archived, not locked');
    assert.equal(state.threads.find((t) => t.id === second.threadId)?.archived, false);
    assert.equal(state.threads.find((t) => t.id === third.threadId)?.archived, false);
    assert.equal(state.threads.filter((t) => !t.archived).length, ACTIVE_THREADS_PER_GUILD_MAX);
  });
});

describe('TicketChannelManager under realistic rate limits', () => {
  let sim: TestSimulator;

  before(async () => {
    sim = await startTestSimulator({ realisticRateLimits: true });
  });

  after(() => sim.close());

  it('opens 200 tickets in 5 categories with no 429 beyond bucket discovery', async () => {
    const api = apiFor(sim);
    const guildId = sim.demo.guildId;
    const members = Object.values(sim.demo.members);
    const staff = sim.demo.roles.Staff ?? '';
    const categories = ['general-support', 'bug-reports', 'billing', 'accounts', 'feedback'];
    const manager = new TicketChannelManager({ api });
    await manager.ensureLayout(guildId, categories.map((channelName) => ({ channelName })));
    await sim.control('POST', '/stats/reset');

    const opened = await Promise.all(
      Array.from({ length: 200 }, (_, i) => manager.openThread(ticketInput(guildId, categories[i % categories.length] ?? '', i + 1, members[i % members.length] ?? '', [staff]))),
    );
    const stats = await sim.control<SimStats>('GET', '/stats');
    const state = await guildState(sim, guildId);
    assert.equal(new Set(opened.map((o) => o.threadId)).size, 200);
    assert.equal(state.threads.filter((t) => opened.some((o) => o.threadId === t.id)).length, 200);
    assert.deepEqual(requestsMatching(stats, /./)['429'] ?? 0, 0, 'no request was answered 429');
    assert.equal(stats.rest.rateLimited, 0);
  });
});
