import assert from 'node:assert/strict';
import { TicketCategoryRepository } from '../../src/storage/ticket-category-repository.ts';
import { TicketModerationRepository } from '../../src/storage/ticket-moderation-repository.ts';
import { TicketRepository, type TicketRecord } from '../../src/storage/ticket-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { GUILD, STAFF, ticket } from '../modules/tickets/ticket-fixtures.ts';

/** Allocates a number and inserts a ticket with it, in one transaction, as ticket creation does. */
function createIn(repository: TicketRepository, guildId: string, overrides: Partial<TicketRecord> = {}): Promise<TicketRecord> {
  return repository.transaction(async (tickets) => {
    const number = await tickets.allocateNumber(guildId);
    const record = ticket({ id: `${guildId}-${number}`, guildId, number, ...overrides });
    await tickets.insert(record);
    return record;
  });
}

describeEachDatabase('ticket repository', ({ it, open, openAgain, dialect }) => {
  it('numbers 50 tickets created at once 1..50 in each guild, without gap or duplicate', async () => {
    const database = await open();
    // PostgreSQL: two handles, as two instances would be; SQLite runs in one process with one handle.
    const handles = dialect === 'postgres' ? [database, openAgain(database)] : [database];
    const repositories = handles.map((h) => new TicketRepository(h.db));
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createIn(repositories[i % repositories.length]!, i % 5 === 0 ? 'other-guild' : GUILD)),
    );
    const numbers = (guildId: string) => created.filter((t) => t.guildId === guildId).map((t) => t.number).sort((a, b) => a - b);
    assert.deepEqual(numbers(GUILD), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.deepEqual(numbers('other-guild'), Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('gives the number back when the creating transaction rolls back', async () => {
    const database = await open();
    const tickets = new TicketRepository(database.db);
    await assert.rejects(
      tickets.transaction(async (trx) => {
        await trx.allocateNumber(GUILD);
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.equal((await createIn(tickets, GUILD)).number, 1);
  });

  it('applies a change only while the ticket is in the state it was decided from', async () => {
    const database = await open();
    const tickets = new TicketRepository(database.db);
    const created = await createIn(tickets, GUILD);
    const first = await tickets.applyIfUnchanged(created.id, created, { status: 'assigned', assigneeId: STAFF }, 2_000);
    assert.equal(first?.assigneeId, STAFF);
    assert.equal(first?.updatedAt, 2_000);
    assert.equal(await tickets.applyIfUnchanged(created.id, created, { status: 'assigned', assigneeId: '200000000000000002' }, 3_000), undefined);
    assert.equal((await tickets.get(GUILD, 1))?.assigneeId, STAFF);
  });

  it('finds tickets by filters and by words in title or description, whatever their case', async () => {
    const database = await open();
    const tickets = new TicketRepository(database.db);
    await createIn(tickets, GUILD, { title: 'Refund for ORDER 55', creatorId: 'a' });
    await createIn(tickets, GUILD, { title: 'Login', description: 'the order page 100% fails', creatorId: 'b', status: 'pending' });
    await createIn(tickets, GUILD, { title: 'Other', description: 'nothing', creatorId: 'a' });
    await createIn(tickets, 'other-guild', { title: 'order elsewhere' });
    const found = await tickets.list({ guildId: GUILD, search: 'order', limit: 10, offset: 0 });
    assert.deepEqual(found.tickets.map((t) => t.number), [2, 1]);
    assert.equal(found.total, 2);
    assert.deepEqual((await tickets.list({ guildId: GUILD, search: '100%', limit: 10, offset: 0 })).tickets.map((t) => t.number), [2]);
    assert.deepEqual((await tickets.list({ guildId: GUILD, search: '0%f', limit: 10, offset: 0 })).total, 0);
    assert.deepEqual((await tickets.list({ guildId: GUILD, creatorId: 'a', limit: 1, offset: 1 })).tickets.map((t) => t.number), [1]);
    assert.deepEqual((await tickets.list({ guildId: GUILD, status: 'pending', limit: 10, offset: 0 })).tickets.map((t) => t.number), [2]);
  });

  it('stores a Discord message once, however often it is delivered', async () => {
    const database = await open();
    const tickets = new TicketRepository(database.db);
    const created = await createIn(tickets, GUILD);
    const message = { id: 'm1', ticketId: created.id, discordMessageId: '555', authorId: 'a', authorName: 'Ann', content: 'hi', source: 'discord' as const, createdAt: 5 };
    assert.equal(await tickets.insertMessage(message), true);
    assert.equal(await tickets.insertMessage({ ...message, id: 'm2' }), false);
    assert.equal(await tickets.insertMessage({ ...message, id: 'm3', discordMessageId: null }), true);
    assert.equal(await tickets.insertMessage({ ...message, id: 'm4', discordMessageId: null }), true);
    assert.deepEqual((await tickets.messages(created.id)).map((m) => m.id), ['m1', 'm3', 'm4']);
  });

  it('releases the thread of a ticket closed long enough ago, never of one reopened since', async () => {
    const database = await open();
    const tickets = new TicketRepository(database.db);
    const old = await createIn(tickets, GUILD, { status: 'closed', closedAt: 1_000, threadId: 'th1' });
    const reopened = await createIn(tickets, GUILD, { status: 'open', closedAt: null, threadId: 'th2' });
    const recent = await createIn(tickets, GUILD, { status: 'closed', closedAt: 9_000, threadId: 'th3' });
    assert.deepEqual((await tickets.closedWithThreadBefore(5_000, 10)).map((t) => t.id), [old.id]);
    assert.equal(await tickets.releaseThread(reopened.id, 'th2', 5_000, 10_000), false);
    assert.equal(await tickets.releaseThread(recent.id, 'th3', 5_000, 10_000), false);
    assert.equal(await tickets.releaseThread(old.id, 'th1', 5_000, 10_000), true);
    assert.equal(await tickets.releaseThread(old.id, 'th1', 5_000, 10_000), false);
    assert.equal((await tickets.getById(old.id))?.threadId, null);
    await tickets.restoreThread(old.id, 'th1');
    assert.equal((await tickets.byThread('th1'))?.id, old.id);
  });

  it('keeps category names unique per guild and reports a duplicate on create and rename', async () => {
    const database = await open();
    const categories = new TicketCategoryRepository(database.db);
    const base = { guildId: GUILD, emoji: null, description: null, staffRoleIds: ['1'], pingRoleIds: [], channelName: 'support', createdAt: 1 };
    assert.equal(await categories.create({ ...base, id: 'c1', name: 'Billing' }), true);
    assert.equal(await categories.create({ ...base, id: 'c2', name: 'Billing' }), false);
    assert.equal(await categories.create({ ...base, id: 'c3', name: 'Billing', guildId: 'other-guild' }), true);
    assert.equal(await categories.create({ ...base, id: 'c4', name: 'Bugs' }), true);
    assert.equal(await categories.update(GUILD, 'c4', { name: 'Billing' }), 'name_taken');
    const renamed = await categories.update(GUILD, 'c4', { name: 'Bug reports', staffRoleIds: ['7', '8'] });
    assert.deepEqual(renamed !== 'name_taken' && renamed ? [renamed.name, renamed.staffRoleIds] : undefined, ['Bug reports', ['7', '8']]);
    assert.equal(await categories.update(GUILD, 'missing', { name: 'x' }), undefined);
    assert.deepEqual((await categories.list(GUILD)).map((c) => c.name), ['Billing', 'Bug reports']);
  });

  it('blocks, unblocks and lists warnings per guild and user', async () => {
    const database = await open();
    const moderation = new TicketModerationRepository(database.db);
    await moderation.block({ guildId: GUILD, userId: 'u', reason: 'spam', createdAt: 1 });
    await moderation.block({ guildId: GUILD, userId: 'u', reason: 'abuse', createdAt: 2 });
    assert.deepEqual(await moderation.blockOf(GUILD, 'u'), { guildId: GUILD, userId: 'u', reason: 'abuse', createdAt: 1 });
    assert.equal(await moderation.blockOf('other-guild', 'u'), undefined);
    assert.equal(await moderation.unblock(GUILD, 'u'), true);
    assert.equal(await moderation.unblock(GUILD, 'u'), false);
    await moderation.addWarning({ id: 'w2', guildId: GUILD, userId: 'u', staffId: STAFF, reason: 'second', createdAt: 20 });
    await moderation.addWarning({ id: 'w1', guildId: GUILD, userId: 'u', staffId: STAFF, reason: 'first', createdAt: 10 });
    await moderation.addWarning({ id: 'w3', guildId: GUILD, userId: 'v', staffId: STAFF, reason: 'else', createdAt: 5 });
    assert.deepEqual((await moderation.warnings(GUILD, 'u')).map((w) => w.reason), ['first', 'second']);
  });
});
