/** Ticket categories declared in guild settings, made to exist by name, on both databases. */
import assert from 'node:assert/strict';
import { createTickets } from '../../../src/modules/tickets/create-tickets.ts';
import { syncConfiguredCategories } from '../../../src/modules/tickets/configured-categories.ts';
import { describeEachDatabase } from '../../support/databases.ts';

const GUILD = '123456789012345678';
const STAFF = '223456789012345678';

describeEachDatabase('configured ticket categories', ({ it, open }) => {
  it('creates missing ones, updates what differs, leaves the rest alone, and is idempotent', async () => {
    const { categories } = createTickets((await open()).db);
    const manual = await categories.create(GUILD, { name: 'Manual', emoji: null, description: null, staffRoleIds: [], pingRoleIds: [], channelName: null });
    assert.ok(manual.ok);
    await categories.create(GUILD, { name: 'billing', emoji: null, description: 'old', staffRoleIds: [], pingRoleIds: [], channelName: null });

    const declared = [
      { name: 'Bug reports', emoji: '🐞', staffRoleIds: [STAFF], channelName: 'bug-reports' },
      { name: 'Billing', description: 'Invoices and refunds' },
    ];
    const first = await syncConfiguredCategories(categories, GUILD, declared);
    assert.deepEqual(first, { created: ['Bug reports'], updated: ['Billing'], problems: [] });
    const list = await categories.list(GUILD);
    const byName = new Map(list.map((c) => [c.name, c]));
    assert.deepEqual([...byName.keys()].sort(), ['Billing', 'Bug reports', 'Manual']);
    assert.equal(byName.get('Billing')?.description, 'Invoices and refunds');
    assert.deepEqual(byName.get('Bug reports')?.staffRoleIds, [STAFF]);
    assert.equal(byName.get('Bug reports')?.channelName, 'bug-reports');

    assert.deepEqual(await syncConfiguredCategories(categories, GUILD, declared), { created: [], updated: [], problems: [] }, 'nothing to do the second time');
    assert.deepEqual(await syncConfiguredCategories(categories, GUILD, []), { created: [], updated: [], problems: [] });
    assert.equal((await categories.list(GUILD)).length, 3, 'nothing is deleted');
  });
});
