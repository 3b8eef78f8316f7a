import assert from 'node:assert/strict';
import { createTickets } from '../../../src/modules/tickets/create-tickets.ts';
import { ticketAutoCloseJob } from '../../../src/modules/tickets/ticket-auto-close-job.ts';
import type { TicketChange, TicketRefusal } from '../../../src/modules/tickets/ticket-results.ts';
import { AUTO_CLOSE_ACTOR_ID } from '../../../src/modules/tickets/ticket-service.ts';
import { ticketThreadCleanupJob } from '../../../src/modules/tickets/ticket-thread-cleanup-job.ts';
import type { TicketRecord } from '../../../src/storage/ticket-repository.ts';
import { describeEachDatabase, type TestDatabase } from '../../support/databases.ts';
import { CREATOR, GUILD, OTHER_STAFF, STAFF } from './ticket-fixtures.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const staff = { id: STAFF, isStaff: true };
const creator = { id: CREATOR, isStaff: false };
const signal = new AbortController().signal;

function setup(database: TestDatabase) {
  const clock = { now: Date.UTC(2025, 5, 1) };
  const tickets = createTickets(database.db, { clock: () => clock.now });
  return { clock, ...tickets };
}

function expectOk<R extends { ok: true } | { ok: false; reason: string }>(result: R): Extract<R, { ok: true }> {
  if (!result.ok) assert.fail(`refused: ${(result as { reason: string }).reason}`);
  return result as Extract<R, { ok: true }>;
}

function expectRefusal(result: { ok: boolean } | TicketRefusal): TicketRefusal {
  if (result.ok) assert.fail('expected a refusal');
  return result as TicketRefusal;
}

describeEachDatabase('ticket service', ({ it, open }) => {
  it('opens tickets numbered 1..50 when 50 members open them at once', async () => {
    const { service } = setup(await open());
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => service.create({ guildId: GUILD, title: `t${i}`, description: 'd', creatorId: `1000000000000001${String(i).padStart(2, '0')}` })),
    );
    const numbers = results.map((r) => expectOk(r).ticket.number).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 50 }, (_, i) => i + 1));
    assert.ok(results.every((r) => r.ok && r.event === 'created' && r.ticket.status === 'open' && r.ticket.priority === 'normal'));
  });

  it('lets two quick creations by one member open a single ticket, the other refused plainly', async () => {
    const { service, categories } = setup(await open());
    const billing = expectOk(await categories.create(GUILD, { name: 'Billing', emoji: '💳', description: null, staffRoleIds: ['5'], pingRoleIds: ['6'], channelName: 'billing' }));
    const results = await Promise.all([1, 2].map(() => service.create({ guildId: GUILD, category: 'Billing', title: 'Refund', description: 'please', creatorId: CREATOR })));
    const created = results.filter((r) => r.ok);
    assert.equal(created.length, 1);
    assert.deepEqual(created[0]?.category, billing.category);
    assert.equal(expectRefusal(results.find((r) => !r.ok)!).code, 'limit_reached');
    // The refused creation gave its number back.
    const next = expectOk(await service.create({ guildId: GUILD, title: 'other', description: 'x', creatorId: '100000000000000002' }));
    assert.equal(next.ticket.number, 2);
  });

  it('refuses blocked members and unknown categories, and puts the open-ticket limit before the cooldown', async () => {
    const { service, clock } = setup(await open());
    await service.block({ guildId: GUILD, userId: CREATOR, reason: 'spam' });
    assert.match(expectRefusal(await service.create({ guildId: GUILD, title: 'a', description: 'b', creatorId: CREATOR })).reason, /blocked.*spam/);
    assert.equal(await service.unblock(GUILD, CREATOR), true);
    expectOk(await service.create({ guildId: GUILD, title: 'a', description: 'b', creatorId: CREATOR }));
    const missing = expectRefusal(await service.create({ guildId: GUILD, category: 'Nope', title: 'a', description: 'b', creatorId: CREATOR }));
    assert.deepEqual([missing.code, missing.reason], ['unknown_category', 'There is no ticket category "Nope" in this server.']);
    clock.now += 10_000;
    const cooling = expectRefusal(await service.create({ guildId: GUILD, category: null, title: 'a', description: 'b', creatorId: CREATOR }));
    // Without a category the open-ticket limit comes first; it is the rule that applies.
    assert.equal(cooling.code, 'limit_reached');
  });

  it('refuses a second ticket within the cooldown even in another category', async () => {
    const { service, categories, clock } = setup(await open());
    expectOk(await categories.create(GUILD, { name: 'Bugs', emoji: null, description: null, staffRoleIds: [], pingRoleIds: [], channelName: null }));
    expectOk(await service.create({ guildId: GUILD, title: 'a', description: 'b', creatorId: CREATOR }));
    clock.now += 30_000;
    const refusal = expectRefusal(await service.create({ guildId: GUILD, category: 'Bugs', title: 'a', description: 'b', creatorId: CREATOR }));
    assert.deepEqual([refusal.code, refusal.details], ['cooldown', { retryAfterSeconds: 30 }]);
    clock.now += 30_000;
    expectOk(await service.create({ guildId: GUILD, category: 'Bugs', title: 'a', description: 'b', creatorId: CREATOR }));
  });

  it('gives a ticket assigned by two staff at once to exactly one, and tells the other who has it', async () => {
    const { service } = setup(await open());
    const ref = { guildId: GUILD, number: expectOk(await service.create({ guildId: GUILD, title: 'a', description: 'b', creatorId: CREATOR })).ticket.number };
    const results = await Promise.all([
      service.assign(ref, STAFF, staff),
      service.assign(ref, OTHER_STAFF, { id: OTHER_STAFF, isStaff: true }),
    ]);
    const winners = results.filter((r): r is TicketChange => r.ok);
    assert.equal(winners.length, 1);
    const winner = winners[0]!.ticket.assigneeId;
    assert.equal(winners[0]!.event, 'assigned');
    assert.equal(winners[0]!.previous?.assigneeId, null);
    const loser = expectRefusal(results.find((r) => !r.ok)!);
    assert.deepEqual([loser.code, loser.reason], ['conflict', `Ticket #1 is already assigned to <@${winner}>.`]);
    assert.equal((await service.get(ref))?.assigneeId, winner);
  });

  it('records replies, resumes a pending ticket on the creator reply, and ignores a redelivered Discord message', async () => {
    const { service, clock } = setup(await open());
    const ref = { guildId: GUILD, number: expectOk(await service.create({ guildId: GUILD, title: 'a', description: 'b', creatorId: CREATOR })).ticket.number };
    expectOk(await service.assign(ref, STAFF, staff));
    expectOk(await service.setStatus(ref, 'pending', staff));
    clock.now += MINUTE;
    const reply = { authorId: CREATOR, authorName: 'Ann', content: 'here it is', source: 'discord' as const, discordMessageId: '777', isStaff: false };
    const first = expectOk(await service.addMessage(ref, reply));
    assert.deepEqual([first.event, first.duplicate, first.ticket.status, first.previous?.status, first.ticket.lastActivityAt], ['message-added', false, 'assigned', 'pending', clock.now]);
    const again = expectOk(await service.addMessage(ref, { ...reply, content: 'changed' }));
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);
    clock.now += 1;
    expectOk(await service.addMessage(ref, { authorId: STAFF, authorName: 'Sam', content: 'thanks', source: 'api', isStaff: true }));
    const details = await service.details(ref);
    assert.deepEqual(details?.messages.map((m) => [m.authorName, m.content, m.source]), [['Ann', 'here it is', 'discord'], ['Sam', 'thanks', 'api']]);
    const stranger = expectRefusal(await service.addMessage(ref, { ...reply, authorId: '100000000000000009', discordMessageId: null }));
    assert.equal(stranger.code, 'not_allowed');
  });

  it('closes with a transcript in both forms, refuses a second close, reopens, and takes one rating', async () => {
    const { service, categories } = setup(await open());
    expectOk(await categories.create(GUILD, { name: 'Bugs', emoji: null, description: null, staffRoleIds: [], pingRoleIds: [], channelName: null }));
    const ref = { guildId: GUILD, number: expectOk(await service.create({ guildId: GUILD, category: 'Bugs', title: 'Crash <b>', description: 'b', creatorId: CREATOR })).ticket.number };
    expectOk(await service.addMessage(ref, { authorId: CREATOR, authorName: 'Ann', content: '<script>x</script>', source: 'discord', isStaff: false }));
    const closed = expectOk(await service.close(ref, { reason: 'fixed' }, staff));
    assert.deepEqual([closed.event, closed.ticket.status, closed.ticket.closedBy, closed.ticket.closeReason], ['closed', 'closed', STAFF, 'fixed']);
    assert.match(closed.transcript.text, /^Ticket #1: Crash <b>\nCategory: Bugs\n/);
    assert.match(closed.transcript.text, /<script>x<\/script>/);
    assert.match(closed.transcript.html, /&lt;script&gt;x&lt;\/script&gt;/);
    assert.deepEqual(await service.transcript(ref), closed.transcript);
    assert.equal(expectRefusal(await service.close(ref, {}, staff)).reason, 'Ticket #1 is already closed.');
    assert.equal(expectRefusal(await service.rate(ref, 5, staff)).code, 'not_allowed');
    expectOk(await service.rate(ref, 4, creator));
    assert.equal(expectRefusal(await service.rate(ref, 5, creator)).reason, 'Ticket #1 has already been rated.');
    const reopened = expectOk(await service.reopen(ref, staff));
    assert.deepEqual([reopened.event, reopened.ticket.status, reopened.ticket.closedAt, reopened.ticket.rating], ['reopened', 'open', null, 4]);
  });

  it('changes status and priority together or not at all', async () => {
    const { service } = setup(await open());
    const ref = { guildId: GUILD, number: expectOk(await service.create({ guildId: GUILD, title: 'a', description: 'b', creatorId: CREATOR })).ticket.number };
    const changed = expectOk(await service.update(ref, { status: 'pending', priority: 'urgent' }, staff));
    assert.deepEqual([changed.ticket.status, changed.ticket.priority], ['pending', 'urgent']);
    const refused = expectRefusal(await service.update(ref, { status: 'open', priority: 'urgent' }, staff));
    assert.equal(refused.reason, 'Ticket #1 already has urgent priority.');
    assert.equal((await service.get(ref))?.status, 'pending');
    assert.equal(expectRefusal(await service.assign({ guildId: GUILD, number: 99 }, STAFF, staff)).code, 'not_found');
  });

  it('records warnings and counts them per member', async () => {
    const { service } = setup(await open());
    await service.warn({ guildId: GUILD, userId: CREATOR, staffId: STAFF, reason: 'rude' });
    const second = await service.warn({ guildId: GUILD, userId: CREATOR, staffId: STAFF, reason: 'spam' });
    assert.deepEqual([second.total, second.warning.reason], [2, 'spam']);
    assert.equal((await service.warnings(GUILD, CREATOR)).length, 2);
  });

  it('warns inactive tickets, closes them after the grace period, and lets activity cancel the warning', async () => {
    const { service, clock } = setup(await open());
    const start = clock.now;
    const quiet = expectOk(await service.create({ guildId: GUILD, title: 'quiet', description: 'b', creatorId: CREATOR })).ticket;
    const busy = expectOk(await service.create({ guildId: GUILD, title: 'busy', description: 'b', creatorId: '100000000000000002' })).ticket;
    const warned: Array<[number, number]> = [];
    const closed: TicketRecord[] = [];
    const job = ticketAutoCloseJob(service, {
      warnAfterMs: 2 * DAY,
      closeAfterMs: 3 * DAY,
      onWarn: async (ticket, closesAt) => void warned.push([ticket.number, closesAt]),
      onClose: async (change) => void closed.push(change.ticket),
    });

    clock.now = start + 2 * DAY - 1;
    assert.deepEqual(await service.autoCloseCandidates(clock.now, { warnAfterMs: 2 * DAY, closeAfterMs: 3 * DAY }), { toWarn: [], toClose: [] });
    clock.now = start + 2 * DAY;
    assert.match((await job.run({ now: clock.now, signal }))?.summary ?? '', /warned 2 ticket\(s\), closed 0/);
    assert.deepEqual(warned, [[quiet.number, clock.now + DAY], [busy.number, clock.now + DAY]]);
    // A second run does not warn again.
    assert.match((await job.run({ now: clock.now + 1, signal }))?.summary ?? '', /warned 0/);

    expectOk(await service.addMessage({ guildId: GUILD, number: busy.number }, { authorId: busy.creatorId, authorName: 'B', content: 'still here', source: 'discord', isStaff: false }));
    clock.now = start + 3 * DAY;
    assert.match((await job.run({ now: clock.now, signal }))?.summary ?? '', /closed 1 inactive/);
    assert.deepEqual(closed.map((t) => [t.number, t.status, t.closedBy]), [[quiet.number, 'closed', AUTO_CLOSE_ACTOR_ID]]);
    assert.match(closed[0]?.closeReason ?? '', /after 3 days without activity/);
    assert.equal((await service.get({ guildId: GUILD, number: busy.number }))?.status, 'open');
    assert.ok(await service.transcript({ guildId: GUILD, number: quiet.number }));
  });

  it('takes back a warning it could not post and reports the run as failed', async () => {
    const { service, clock } = setup(await open());
    const created = expectOk(await service.create({ guildId: GUILD, title: 'a', description: 'b', creatorId: CREATOR })).ticket;
    const job = ticketAutoCloseJob(service, {
      warnAfterMs: DAY,
      closeAfterMs: 2 * DAY,
      onWarn: async () => {
        throw new Error('thread is gone');
      },
      onClose: async () => {},
    });
    await assert.rejects(job.run({ now: clock.now + DAY, signal }), /1 failed: warning for #1 .*thread is gone/);
    assert.equal((await service.get({ guildId: GUILD, number: created.number }))?.warnedAt, null);
  });

  it('deletes threads of tickets closed over 30 days ago only, keeps the rows, and retries a failed deletion', async () => {
    const { service, clock } = setup(await open());
    const start = clock.now;
    const make = async (creatorId: string, threadId: string) => {
      const number = expectOk(await service.create({ guildId: GUILD, title: threadId, description: 'b', creatorId })).ticket.number;
      await service.attachThread({ guildId: GUILD, number }, { threadId, channelId: '300000000000000001' });
      return { guildId: GUILD, number };
    };
    const old = await make('100000000000000001', 'thread-old');
    const failing = await make('100000000000000002', 'thread-failing');
    const stillOpen = await make('100000000000000003', 'thread-open');
    expectOk(await service.close(old, {}, staff));
    expectOk(await service.close(failing, {}, staff));
    assert.equal((await service.byThread('thread-open'))?.number, stillOpen.number);

    const deleted: string[] = [];
    const job = ticketThreadCleanupJob(service, {
      deleteThread: async (ticket) => {
        if (ticket.threadId === 'thread-failing') throw new Error('missing permissions');
        deleted.push(ticket.threadId);
      },
    });
    assert.match((await job.run({ now: start + 30 * DAY - 1, signal }))?.summary ?? '', /deleted 0 thread/);
    await assert.rejects(job.run({ now: start + 30 * DAY, signal }), /deleted 1 thread.*1 failed.*missing permissions/);
    assert.deepEqual(deleted, ['thread-old']);
    assert.equal((await service.get(old))?.threadId, null);
    assert.ok(await service.transcript(old));
    assert.equal((await service.get(failing))?.threadId, 'thread-failing');
    assert.equal((await service.get(stillOpen))?.threadId, 'thread-open');
    // Even years later an open ticket keeps its thread.
    clock.now = start + 400 * DAY;
    assert.deepEqual((await service.threadCleanupCandidates(clock.now, 30 * DAY, 10)).map((t) => t.threadId), ['thread-failing']);
  });

  it('refuses to delete a category with tickets not closed, and keeps closed tickets when it goes', async () => {
    const { service, categories } = setup(await open());
    const category = expectOk(await categories.create(GUILD, { name: 'Bugs', emoji: null, description: null, staffRoleIds: [], pingRoleIds: [], channelName: null })).category;
    const ref = { guildId: GUILD, number: expectOk(await service.create({ guildId: GUILD, category: category.id, title: 'a', description: 'b', creatorId: CREATOR })).ticket.number };
    const refusal = await categories.delete(GUILD, category.id);
    assert.deepEqual(refusal.ok ? undefined : [refusal.code, refusal.reason], ['in_use', 'The category Bugs still has 1 ticket(s) not closed; close them before deleting it.']);
    expectOk(await service.close(ref, {}, staff));
    assert.deepEqual(await categories.delete(GUILD, category.id), { ok: true });
    assert.equal((await service.get(ref))?.categoryId, null);
  });
});
