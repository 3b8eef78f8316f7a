import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVE_THREADS_PER_GUILD_MAX } from 'discord-limits';
import { archiveOrder, planThreadBudget, type ThreadCandidate } from '../../../../src/modules/tickets/discord/active-thread-budget.ts';

const closed = (threadId: string, lastActivityAt: number): ThreadCandidate => ({ threadId, reason: 'closed', lastActivityAt });
const idle = (threadId: string, lastActivityAt: number): ThreadCandidate => ({ threadId, reason: 'idle', lastActivityAt });

describe('planThreadBudget', () => {
  it('archives nothing while there is room', () => {
    assert.deepEqual(planThreadBudget({ activeCount: 0, candidates: [closed('a', 1)] }), { ok: true, archive: [] });
    assert.deepEqual(planThreadBudget({ activeCount: ACTIVE_THREADS_PER_GUILD_MAX - 1, candidates: [] }), { ok: true, archive: [] });
  });

  it('uses the guild cap from discord-limits by default', () => {
    const plan = planThreadBudget({ activeCount: ACTIVE_THREADS_PER_GUILD_MAX, candidates: [idle('a', 1)] });
    assert.deepEqual(plan, { ok: true, archive: ['a'] });
  });

  it('archives closed tickets first, the least recently active first, then idle ones', () => {
    const candidates = [idle('idle-old', 1), closed('closed-new', 50), idle('idle-new', 40), closed('closed-old', 10)];
    assert.deepEqual(planThreadBudget({ activeCount: 10, cap: 10, needed: 1, candidates }), { ok: true, archive: ['closed-old'] });
    assert.deepEqual(planThreadBudget({ activeCount: 10, cap: 10, needed: 3, candidates }), { ok: true, archive: ['closed-old', 'closed-new', 'idle-old'] });
    assert.deepEqual(planThreadBudget({ activeCount: 12, cap: 10, needed: 2, candidates }).archive, ['closed-old', 'closed-new', 'idle-old', 'idle-new']);
  });

  it('archives only the shortfall', () => {
    const candidates = [closed('a', 1), closed('b', 2), closed('c', 3)];
    assert.deepEqual(planThreadBudget({ activeCount: 9, cap: 10, needed: 2, candidates }), { ok: true, archive: ['a'] });
  });

  it('counts a thread listed twice once', () => {
    const plan = planThreadBudget({ activeCount: 10, cap: 10, needed: 2, candidates: [closed('a', 1), idle('a', 1)] });
    assert.equal(plan.ok, false);
  });

  it('refuses with a sentence when nothing can be archived', () => {
    const plan = planThreadBudget({ activeCount: ACTIVE_THREADS_PER_GUILD_MAX, candidates: [] });
    assert.ok(!plan.ok);
    assert.equal(plan.reason, 'active-thread-limit');
    assert.deepEqual(plan.archive, []);
    assert.equal(
      plan.message,
      `This server has ${ACTIVE_THREADS_PER_GUILD_MAX} active threads, Discord's limit is ${ACTIVE_THREADS_PER_GUILD_MAX}, and none of them belongs to a closed or idle ticket; archive some threads and try again.`,
    );
  });

  it('refuses, archiving nothing, when the candidates are too few', () => {
    const plan = planThreadBudget({ activeCount: 10, cap: 10, needed: 3, candidates: [closed('a', 1)] });
    assert.ok(!plan.ok);
    assert.deepEqual(plan.archive, []);
    assert.match(plan.message, /only 1 of them can be archived/);
  });
});

describe('archiveOrder', () => {
  it('breaks ties by thread id so the order is stable', () => {
    assert.deepEqual(archiveOrder([idle('b', 5), idle('a', 5)]).map((c) => c.threadId), ['a', 'b']);
  });
});
