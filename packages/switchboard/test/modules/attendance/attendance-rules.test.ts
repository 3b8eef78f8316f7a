import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAnswer, fillPlaces, mayAnswer } from '../../../src/modules/attendance/attendance-rules.ts';
import { summarize } from '../../../src/modules/attendance/attendance-summary.ts';
import type { AttendanceResponseRecord } from '../../../src/storage/attendance-repository.ts';
import { member, response, session } from './attendance-fixtures.ts';

const NOW = Date.parse('2025-03-20T12:00:00Z');

function answer(responses: AttendanceResponseRecord[], userId: string, a: AttendanceResponseRecord['answer'], extra: { capacity?: number | null; roleIds?: string[]; allowed?: string[] } = {}) {
  return decideAnswer({
    session: session({ capacity: extra.capacity === undefined ? 2 : extra.capacity, allowedRoleIds: extra.allowed ?? [] }),
    responses,
    userId,
    answer: a,
    now: NOW,
    ...(extra.roleIds ? { roleIds: extra.roleIds } : {}),
  });
}

describe('attendance rules', () => {
  it('gives places up to the capacity, then puts Yes answers in line in order', () => {
    const taken = [response(member(1), 'yes', 1), response(member(2), 'yes', 2)];
    const third = answer(taken, member(3), 'yes');
    assert.ok(third.ok);
    assert.equal(third.response.waitlistPosition, 1);
    const fourth = answer([...taken, third.response], member(4), 'yes');
    assert.ok(fourth.ok);
    assert.equal(fourth.response.waitlistPosition, 2);
    assert.deepEqual(summarize([...taken, third.response, fourth.response]).counts, { yes: 2, waitlist: 2, maybe: 0, late: 0, no: 0 });
  });

  it('promotes the first in line when a Yes changes its mind, and says who', () => {
    const state = [response(member(1), 'yes', 1), response(member(2), 'yes', 2), response(member(4), 'yes', 3, 2), response(member(3), 'yes', 4, 1)];
    const decision = answer(state, member(1), 'no');
    assert.ok(decision.ok);
    assert.deepEqual(decision.promoted.map((r) => [r.userId, r.waitlistPosition]), [[member(3), null]]);
    assert.equal(decision.previous?.answer, 'yes');
  });

  it('promotes nobody when a waiting Yes leaves the line', () => {
    const state = [response(member(1), 'yes', 1), response(member(2), 'yes', 2), response(member(3), 'yes', 3, 1)];
    const decision = answer(state, member(3), 'maybe');
    assert.ok(decision.ok);
    assert.deepEqual(decision.promoted, []);
    assert.equal(decision.response.waitlistPosition, null);
  });

  it('changes an answer, and treats the same answer again as no change', () => {
    const state = [response(member(1), 'maybe', 1)];
    const changed = answer(state, member(1), 'late');
    assert.ok(changed.ok && changed.changed);
    assert.equal(changed.response.answer, 'late');
    const same = answer(state, member(1), 'maybe');
    assert.ok(same.ok);
    assert.equal(same.changed, false);
    assert.equal(same.response.respondedAt, 1);
  });

  it('has no line without a capacity', () => {
    const state = Array.from({ length: 30 }, (_, i) => response(member(i), 'yes', i));
    const decision = answer(state, member(99), 'yes', { capacity: null });
    assert.ok(decision.ok);
    assert.equal(decision.response.waitlistPosition, null);
  });

  it('checks the roles allowed to answer, unless a trusted caller answers', () => {
    const allowed = ['300000000000000001'];
    const refused = answer([], member(1), 'yes', { allowed, roleIds: ['300000000000000009'] });
    assert.deepEqual(refused.ok ? null : refused.code, 'not_allowed');
    assert.ok(answer([], member(1), 'yes', { allowed, roleIds: ['300000000000000001'] }).ok);
    assert.ok(answer([], member(1), 'yes', { allowed }).ok);
    assert.equal(mayAnswer([], []), true);
  });

  it('refuses answers to a cancelled or finished session', () => {
    const cancelled = decideAnswer({ session: session({ status: 'cancelled' }), responses: [], userId: member(1), answer: 'yes', now: NOW });
    assert.equal(cancelled.ok ? null : cancelled.code, 'conflict');
    const over = decideAnswer({ session: session(), responses: [], userId: member(1), answer: 'yes', now: Date.parse('2025-03-24T00:00:00Z') });
    assert.equal(over.ok ? null : over.code, 'conflict');
  });

  it('fills places freed by a larger capacity in line order', () => {
    const state = [response(member(1), 'yes', 1), response(member(5), 'yes', 5, 3), response(member(4), 'yes', 4, 2)];
    assert.deepEqual(fillPlaces(state, 2).map((r) => r.userId), [member(4)]);
    assert.deepEqual(fillPlaces(state, null).map((r) => r.userId), [member(4), member(5)]);
    assert.deepEqual(fillPlaces(state, 1), []);
  });
});
