import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayGuard } from '../src/index.ts';

test('an id is refused while its timestamp is within the window, and accepted again after', () => {
  const guard = new ReplayGuard({ toleranceSeconds: 300 });
  assert.equal(guard.check('a', 1000, 1000), 'new');
  assert.equal(guard.check('a', 1000, 1100), 'replayed');
  assert.equal(guard.check('a', 1000, 1300), 'replayed');
  assert.equal(guard.check('a', 1000, 1301), 'new', 'forgotten once the timestamp is out of the window');
});

test('the same id with another timestamp is a duplicate (re-signed by the hub), not a replay', () => {
  const guard = new ReplayGuard();
  assert.equal(guard.check('a', 1000, 1000), 'new');
  assert.equal(guard.check('a', 1030, 1030), 'duplicate');
  assert.equal(guard.check('a', 1000, 1031), 'replayed', 'the first timestamp is the one remembered');
});

test('expired ids are forgotten, so memory does not grow with old traffic', () => {
  const guard = new ReplayGuard({ toleranceSeconds: 10 });
  for (let i = 0; i < 100; i++) guard.check(`old-${i}`, 0, 0);
  assert.equal(guard.size, 100);
  guard.check('new', 50, 50);
  assert.equal(guard.size, 1);
});

test('memory is bounded: past maxEntries the oldest ids go first', () => {
  const guard = new ReplayGuard({ maxEntries: 3 });
  for (const id of ['a', 'b', 'c', 'd']) assert.equal(guard.check(id, 1000, 1000), 'new');
  assert.equal(guard.size, 3);
  assert.equal(guard.check('d', 1000, 1000), 'replayed');
  assert.equal(guard.check('b', 1000, 1000), 'replayed');
  assert.equal(guard.check('a', 1000, 1000), 'new', 'the oldest was evicted');
});

test('release forgets an id so that a retry is accepted', () => {
  const guard = new ReplayGuard();
  assert.equal(guard.check('a', 1000, 1000), 'new');
  guard.release('a');
  assert.equal(guard.check('a', 1000, 1001), 'new');
});
