import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fairShare, planShare, type ShareInput } from '../../src/discord/gateway/shard-share.ts';

function input(overrides: Partial<ShareInput>): ShareInput {
  return { shardCount: 4, preferred: [], owned: new Set(), free: [], freeBefore: new Set(), liveInstances: 1, ...overrides };
}

describe('planShare: which shards an instance takes and gives up', () => {
  it('computes the fair share as floor and ceil of shards per live instance', () => {
    assert.deepEqual(fairShare(4, 3), { floor: 1, ceil: 2 });
    assert.deepEqual(fairShare(4, 0), { floor: 4, ceil: 4 });
    assert.deepEqual(fairShare(6, 2), { floor: 3, ceil: 3 });
  });

  it('takes every free shard when alone', () => {
    assert.deepEqual(planShare(input({ free: [0, 1, 2, 3] })), { take: [0, 1, 2, 3], release: [] });
  });

  it('takes up to floor at once, and up to ceil only shards that were already free at the previous poll', () => {
    const first = planShare(input({ free: [0, 1, 2, 3], liveInstances: 3 }));
    assert.deepEqual(first, { take: [0], release: [] });
    const second = planShare(input({ owned: new Set([0]), free: [1, 2, 3], freeBefore: new Set([1]), liveInstances: 3 }));
    assert.deepEqual(second, { take: [1], release: [] });
    const full = planShare(input({ owned: new Set([0, 1]), free: [2, 3], freeBefore: new Set([2, 3]), liveInstances: 3 }));
    assert.deepEqual(full, { take: [], release: [] });
  });

  it('always takes its free preferred shards, even beyond its share', () => {
    const plan = planShare(input({ preferred: [2, 3], owned: new Set([0, 1]), free: [2, 3], liveInstances: 2 }));
    assert.deepEqual(plan, { take: [2, 3], release: [] });
  });

  it('hands over one non-preferred shard per poll when above ceil, never a preferred one', () => {
    const plan = planShare(input({ preferred: [3], owned: new Set([0, 1, 2, 3]), liveInstances: 3 }));
    assert.deepEqual(plan, { take: [], release: [2] });
    const onlyPreferred = planShare(input({ preferred: [0, 1, 2], owned: new Set([0, 1, 2]), liveInstances: 3 }));
    assert.deepEqual(onlyPreferred, { take: [], release: [] });
  });

  it('when no shard is free and another instance is below floor, the most loaded instance hands one over', () => {
    const others = [
      { owner: 'c:1', count: 2 },
      { owner: 'b:1', count: 0 },
    ];
    const mine = input({ owned: new Set([0, 1]), liveInstances: 3, self: 'a:1', others });
    assert.deepEqual(planShare(mine), { take: [], release: [1] }, 'a:1 sorts before c:1, so it is the one');
    assert.deepEqual(planShare({ ...mine, self: 'd:1' }), { take: [], release: [] }, 'the tie goes to the other');
    assert.deepEqual(planShare({ ...mine, others: [{ owner: 'c:1', count: 1 }, { owner: 'b:1', count: 1 }] }), { take: [], release: [] }, 'nobody below floor');
    assert.deepEqual(planShare({ ...mine, free: [3], freeBefore: new Set([3]) }), { take: [], release: [] }, 'a free shard: the one below floor takes that');
  });

  it('takes only its preferred shards at its first poll', () => {
    assert.deepEqual(planShare(input({ preferred: [1], free: [0, 1, 2, 3], joining: true })), { take: [1], release: [] });
  });

  it('ignores free shards it already owns', () => {
    assert.deepEqual(planShare(input({ owned: new Set([1]), free: [1], liveInstances: 4 })), { take: [], release: [] });
  });
});
