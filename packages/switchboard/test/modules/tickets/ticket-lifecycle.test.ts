import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/modules/tickets/ticket-lifecycle.ts';
import { isTicketStaff } from '../../../src/modules/tickets/ticket-staff.ts';
import { CREATOR, OTHER_STAFF, STAFF, ticket } from './ticket-fixtures.ts';

const staff = { id: STAFF, isStaff: true };
const creator = { id: CREATOR, isStaff: false };
const stranger = { id: '100000000000000009', isStaff: false };

describe('ticket lifecycle', () => {
  it('assigns an open ticket to staff', () => {
    assert.deepEqual(decide(ticket(), { type: 'assign', assigneeId: STAFF }, staff), {
      ok: true,
      event: 'assigned',
      changes: { assigneeId: STAFF, status: 'assigned' },
    });
  });

  it('refuses to assign a ticket someone has, naming who has it', () => {
    const result = decide(ticket({ status: 'assigned', assigneeId: OTHER_STAFF }), { type: 'assign', assigneeId: STAFF }, staff);
    assert.deepEqual(result, { ok: false, code: 'conflict', reason: `Ticket #12 is already assigned to <@${OTHER_STAFF}>.` });
  });

  it('lets only staff assign, change status and priority', () => {
    for (const action of [
      { type: 'assign', assigneeId: CREATOR },
      { type: 'unassign' },
      { type: 'set-status', status: 'pending' },
      { type: 'set-priority', priority: 'high' },
    ] as const) {
      const result = decide(ticket({ assigneeId: STAFF }), action, creator);
      assert.equal(result.ok, false, action.type);
      assert.equal(!result.ok && result.code, 'not_allowed');
      assert.match(!result.ok ? result.reason : '', /^Only staff can /);
    }
  });

  it('keeps the assignee while pending and resumes to assigned, or to open without one', () => {
    const assigned = ticket({ status: 'assigned', assigneeId: STAFF });
    assert.deepEqual(decide(assigned, { type: 'set-status', status: 'pending' }, staff), { ok: true, event: 'status-changed', changes: { status: 'pending' } });
    assert.deepEqual(decide(ticket({ status: 'pending', assigneeId: STAFF }), { type: 'set-status', status: 'open' }, staff), {
      ok: true,
      event: 'status-changed',
      changes: { status: 'assigned' },
    });
    assert.deepEqual(decide(ticket({ status: 'pending' }), { type: 'set-status', status: 'open' }, staff), { ok: true, event: 'status-changed', changes: { status: 'open' } });
    const refused = decide(assigned, { type: 'set-status', status: 'open' }, staff);
    assert.equal(!refused.ok && refused.code, 'conflict');
    assert.match(!refused.ok ? refused.reason : '', /unassign it/);
  });

  it('resumes a pending ticket when the creator replies, but not when staff does', () => {
    const pending = ticket({ status: 'pending', assigneeId: STAFF, warnedAt: 5 });
    assert.deepEqual(decide(pending, { type: 'reply', at: 50 }, creator), {
      ok: true,
      event: 'message-added',
      changes: { lastActivityAt: 50, warnedAt: null, status: 'assigned' },
    });
    assert.deepEqual(decide(pending, { type: 'reply', at: 50 }, staff), { ok: true, event: 'message-added', changes: { lastActivityAt: 50, warnedAt: null } });
    const result = decide(pending, { type: 'reply', at: 50 }, stranger);
    assert.equal(!result.ok && result.code, 'not_allowed');
  });

  it('closes once, by staff or the creator, and says so plainly the second time', () => {
    const closing = decide(ticket(), { type: 'close', reason: 'solved', at: 70 }, creator);
    assert.deepEqual(closing, { ok: true, event: 'closed', changes: { status: 'closed', closedBy: CREATOR, closeReason: 'solved', closedAt: 70, warnedAt: null } });
    assert.deepEqual(decide(ticket({ status: 'closed' }), { type: 'close', reason: null, at: 80 }, staff), {
      ok: false,
      code: 'conflict',
      reason: 'Ticket #12 is already closed.',
    });
    assert.equal(decide(ticket(), { type: 'close', reason: null, at: 80 }, stranger).ok, false);
  });

  it('refuses replies, assignment and changes on a closed ticket', () => {
    const closed = ticket({ status: 'closed' });
    for (const action of [{ type: 'reply', at: 1 }, { type: 'assign', assigneeId: STAFF }, { type: 'set-priority', priority: 'urgent' }] as const) {
      const result = decide(closed, action, staff);
      assert.equal(!result.ok && result.code, 'conflict', action.type);
    }
  });

  it('reopens a closed ticket into the queue, unassigned and with the close forgotten', () => {
    const closed = ticket({ status: 'closed', assigneeId: STAFF, closedBy: STAFF, closeReason: 'done', closedAt: 9, rating: 4 });
    assert.deepEqual(decide(closed, { type: 'reopen', at: 99 }, staff), {
      ok: true,
      event: 'reopened',
      changes: { status: 'open', assigneeId: null, closedBy: null, closeReason: null, closedAt: null, warnedAt: null, lastActivityAt: 99 },
    });
    assert.deepEqual(decide(ticket(), { type: 'reopen', at: 99 }, staff), { ok: false, code: 'conflict', reason: 'Ticket #12 is not closed.' });
  });

  it('lets the creator rate a closed ticket once, from 1 to 5', () => {
    const closed = ticket({ status: 'closed' });
    assert.deepEqual(decide(closed, { type: 'rate', rating: 5 }, creator), { ok: true, event: 'rated', changes: { rating: 5 } });
    assert.equal(decide(ticket({ status: 'closed', rating: 3 }), { type: 'rate', rating: 5 }, creator).ok, false);
    assert.equal(decide(ticket(), { type: 'rate', rating: 5 }, creator).ok, false);
    assert.equal(decide(closed, { type: 'rate', rating: 5 }, staff).ok, false);
    for (const rating of [0, 6, 2.5]) {
      const result = decide(closed, { type: 'rate', rating }, creator);
      assert.equal(!result.ok && result.code, 'invalid', String(rating));
    }
  });

  it('refuses a priority the ticket already has', () => {
    assert.deepEqual(decide(ticket({ priority: 'high' }), { type: 'set-priority', priority: 'high' }, staff), {
      ok: false,
      code: 'conflict',
      reason: 'Ticket #12 already has high priority.',
    });
  });
});

describe('ticket staff', () => {
  it('is staff by a category staff role or by managing the guild', () => {
    const category = { staffRoleIds: ['r1', 'r2'] };
    assert.equal(isTicketStaff(['r0', 'r2'], category, false), true);
    assert.equal(isTicketStaff(['r0'], category, false), false);
    assert.equal(isTicketStaff([], null, false), false);
    assert.equal(isTicketStaff([], null, true), true);
  });

  it("is staff by one of the guild's ticket staff roles, in every category and without one", () => {
    assert.equal(isTicketStaff(['g1'], { staffRoleIds: ['r1'] }, false, ['g1']), true);
    assert.equal(isTicketStaff(['g1'], null, false, ['g1']), true);
    assert.equal(isTicketStaff(['g2'], null, false, ['g1']), false);
  });
});
