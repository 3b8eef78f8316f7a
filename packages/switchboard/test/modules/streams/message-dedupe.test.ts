import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMessageDedupe } from '../../../src/modules/streams/verification/message-dedupe.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('message dedupe', () => {
  it('accepts an id once and detects the duplicate', () => {
    const c = clock();
    const dedupe = createMessageDedupe({ now: c.now });
    assert.deepEqual(dedupe.accept('twitch:abc'), { ok: true });
    assert.deepEqual(dedupe.accept('twitch:abc'), { ok: false, reason: 'duplicate' });
    assert.deepEqual(dedupe.accept('twitch:abd'), { ok: true });
    assert.equal(dedupe.has('twitch:abc'), true);
  });

  it('forgets ids after the window', () => {
    const c = clock();
    const dedupe = createMessageDedupe({ now: c.now, windowMs: 1000 });
    dedupe.accept('a');
    c.advance(999);
    assert.deepEqual(dedupe.accept('a'), { ok: false, reason: 'duplicate' });
    c.advance(1);
    assert.equal(dedupe.has('a'), false);
    assert.equal(dedupe.size(), 0);
    assert.deepEqual(dedupe.accept('a'), { ok: true });
  });

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const c = clock();
    const dedupe = createMessageDedupe({ now: c.now, maxEntries: 3 });
    for (const id of ['1', '2', '3', '4']) {
      assert.deepEqual(dedupe.accept(id), { ok: true });
      c.advance(1);
    }
    assert.equal(dedupe.size(), 3);
    assert.equal(dedupe.has('1'), false);
    assert.deepEqual(dedupe.accept('4'), { ok: false, reason: 'duplicate' });
  });

  it('refuses empty and oversized ids', () => {
    const dedupe = createMessageDedupe({ now: () => 0 });
    assert.deepEqual(dedupe.accept(''), { ok: false, reason: 'invalid_id' });
    assert.deepEqual(dedupe.accept('x'.repeat(257)), { ok: false, reason: 'invalid_id' });
  });
});
