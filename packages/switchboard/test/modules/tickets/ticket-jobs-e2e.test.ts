/**
 * The tickets module's jobs against the simulator, on each database: auto-close warns in the thread
 * first and closes later (locked, archived, logged); the cleanup deletes only old closed tickets' threads
 * from Discord, while the tickets and transcripts stay.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { API } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { createLogger } from '../../../src/logging/logger.ts';
import { createTickets, type Tickets } from '../../../src/modules/tickets/create-tickets.ts';
import { ticketAutoCloseJob } from '../../../src/modules/tickets/ticket-auto-close-job.ts';
import { ticketThreadCleanupJob } from '../../../src/modules/tickets/ticket-thread-cleanup-job.ts';
import { createTicketsModule, type TicketsModule } from '../../../src/modules/tickets/tickets-module.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { startTestSimulator, type TestSimulator } from '../../support/simulator.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
type Thread = { id: string; thread_metadata?: { archived: boolean; locked: boolean } };

describeEachDatabase('ticket jobs against the simulator', ({ it, open }) => {
  let sim: TestSimulator;
  let rest: REST;
  let tickets: Tickets;
  let module: TicketsModule;
  const signal = new AbortController().signal;
  const threads = async () => (await sim.control<{ threads: Thread[] }>('GET', `/guilds/${sim.demo.guildId}`)).threads;

  before(async () => {
    sim = await startTestSimulator();
    rest = new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken);
    const api = new API(rest);
    tickets = createTickets((await open()).db, { limits: { cooldownMs: 0, maxOpenPerCategory: 10 } });
    module = createTicketsModule({ service: tickets.service, categories: tickets.categories, api: () => api, logger: createLogger({ level: 'silent' }), dashboardUrl: () => 'http://localhost:3000/tickets' });
  });
  after(async () => {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await sim.close();
  });

  async function openTicket(title: string) {
    const created = await tickets.service.create({ guildId: sim.demo.guildId, title, description: 'details', creatorId: sim.demo.members.alan! });
    assert.ok(created.ok, created.ok ? '' : created.reason);
    await module.mirror(created);
    const ticket = await tickets.service.get({ guildId: sim.demo.guildId, number: created.ticket.number });
    assert.ok(ticket?.threadId, 'the ticket got its thread');
    return ticket;
  }

  it('auto-close warns in the thread first, then closes: locked, archived and logged', async () => {
    const ticket = await openTicket('Quiet one');
    const job = ticketAutoCloseJob(tickets.service, {
      warnAfterMs: 48 * HOUR,
      closeAfterMs: 72 * HOUR,
      onWarn: (t, closesAt) => module.warnInDiscord(t, closesAt),
      onClose: (change) => module.closeInDiscord(change),
    });
    await job.run({ now: ticket.lastActivityAt + 49 * HOUR, signal });
    const messages = await sim.control<{ content: string }[]>('GET', `/channels/${ticket.threadId}/messages`);
    assert.ok(messages.some((m) => /will close <t:\d+:R> unless someone writes here/.test(m.content)), 'the warning is in the thread');
    assert.equal((await tickets.service.get({ guildId: ticket.guildId, number: ticket.number }))?.status, 'open');

    await job.run({ now: ticket.lastActivityAt + 73 * HOUR, signal });
    const closed = await tickets.service.get({ guildId: ticket.guildId, number: ticket.number });
    assert.equal(closed?.status, 'closed');
    const thread = (await threads()).find((t) => t.id === ticket.threadId);
    assert.deepEqual(thread?.thread_metadata && { archived: thread.thread_metadata.archived, locked: thread.thread_metadata.locked }, { archived: true, locked: true });
  });

  it('cleanup deletes only old closed tickets\' threads; the tickets and transcripts stay', async () => {
    const old = await openTicket('Closed long ago');
    const fresh = await openTicket('Still open');
    const closed = await tickets.service.close({ guildId: old.guildId, number: old.number }, { reason: 'done' }, { id: 'staff', isStaff: true });
    assert.ok(closed.ok);
    const job = ticketThreadCleanupJob(tickets.service, { olderThanMs: 30 * DAY, deleteThread: (t) => module.manager().deleteThread(t.threadId) });
    await job.run({ now: Date.now() + 31 * DAY, signal });
    const remaining = (await threads()).map((t) => t.id);
    assert.ok(!remaining.includes(old.threadId!), 'the old closed thread is gone');
    assert.ok(remaining.includes(fresh.threadId!), 'the open ticket keeps its thread');
    assert.equal((await tickets.service.get({ guildId: old.guildId, number: old.number }))?.status, 'closed', 'the ticket row stays');
    assert.match((await tickets.service.transcript({ guildId: old.guildId, number: old.number }))?.text ?? '', /Closed long ago/);
  });
});
