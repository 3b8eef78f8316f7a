import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTicketCreation, DEFAULT_TICKET_CREATION_LIMITS } from '../../../src/modules/tickets/ticket-creation-rules.ts';

const facts = { now: 100_000, block: undefined, categoryName: 'Billing', openInCategory: [], lastCreatedAt: undefined };

describe('ticket creation rules', () => {
  it('allows a first ticket', () => {
    assert.deepEqual(checkTicketCreation(facts, DEFAULT_TICKET_CREATION_LIMITS), { ok: true });
  });

  it('refuses a blocked user with the reason', () => {
    const result = checkTicketCreation({ ...facts, block: { reason: 'spam' } }, DEFAULT_TICKET_CREATION_LIMITS);
    assert.deepEqual(result, { ok: false, code: 'blocked', reason: 'You are blocked from opening tickets in this server. Reason: spam' });
  });

  it('refuses a second open ticket in a category, naming the first', () => {
    const result = checkTicketCreation({ ...facts, openInCategory: [{ number: 7 }] }, DEFAULT_TICKET_CREATION_LIMITS);
    assert.equal(!result.ok && result.code, 'limit_reached');
    assert.equal(!result.ok && result.reason, 'You already have an open ticket in Billing: #7. Close it before opening another.');
    assert.equal(checkTicketCreation({ ...facts, openInCategory: [{ number: 7 }] }, { ...DEFAULT_TICKET_CREATION_LIMITS, maxOpenPerCategory: 2 }).ok, true);
  });

  it('refuses within the cooldown and says how long to wait', () => {
    const result = checkTicketCreation({ ...facts, lastCreatedAt: facts.now - 59_500 }, DEFAULT_TICKET_CREATION_LIMITS);
    assert.deepEqual(result, {
      ok: false,
      code: 'cooldown',
      reason: 'You opened a ticket moments ago; you can open another in 1 second.',
      details: { retryAfterSeconds: 1 },
    });
    assert.equal(checkTicketCreation({ ...facts, lastCreatedAt: facts.now - 60_000 }, DEFAULT_TICKET_CREATION_LIMITS).ok, true);
  });
});
