import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { OAuthRefusalTally } from '../../../src/modules/linking/oauth-refusal-tally.ts';

type Write = { stateHash: string; replayed: number; expired: number };

function recordingTally(): { tally: OAuthRefusalTally; writes: Write[]; failWith(error: Error | undefined): void } {
  const writes: Write[] = [];
  let failure: Error | undefined;
  const tally = new OAuthRefusalTally(async (stateHash, counts) => {
    if (failure) throw failure;
    writes.push({ stateHash, ...counts });
  });
  return { tally, writes, failWith: (error) => (failure = error) };
}

describe('OAuth refusal tally', () => {
  it('writes a burst added in one turn once per state, on the next turn', async () => {
    const { tally, writes } = recordingTally();
    for (let i = 0; i < 499; i++) tally.add('a', 'replayed');
    tally.add('b', 'expired');
    tally.add('b', 'replayed');
    assert.deepEqual(writes, [], 'nothing is written while the burst is being refused');
    assert.equal(tally.pending, 501);
    await nextTurn();
    await tally.flush();
    assert.deepEqual(writes, [
      { stateHash: 'a', replayed: 499, expired: 0 },
      { stateHash: 'b', replayed: 1, expired: 1 },
    ]);
    assert.equal(tally.pending, 0);
  });

  it('keeps counts whose write failed, reports the error on flush, and writes them later', async () => {
    const { tally, writes, failWith } = recordingTally();
    failWith(new Error('database unavailable'));
    tally.add('a', 'replayed');
    await nextTurn();
    tally.add('a', 'replayed');
    await assert.rejects(tally.flush(), /database unavailable/);
    assert.equal(tally.pending, 2);
    failWith(undefined);
    await tally.flush();
    assert.deepEqual(writes, [{ stateHash: 'a', replayed: 2, expired: 0 }]);
    assert.equal(tally.pending, 0);
  });

  it('writes one at a time: a flush during a write waits for it and writes what came since', async () => {
    let release!: () => void;
    const writes: Write[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const tally = new OAuthRefusalTally(async (stateHash, counts) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (writes.length === 0) await new Promise<void>((resolve) => (release = resolve));
      writes.push({ stateHash, ...counts });
      inFlight--;
    });
    tally.add('a', 'replayed');
    const first = tally.flush();
    await nextTurn();
    assert.equal(inFlight, 1, 'the first write is in progress');
    tally.add('a', 'expired');
    const second = tally.flush();
    await nextTurn();
    release();
    await Promise.all([first, second]);
    assert.equal(mostInFlight, 1);
    assert.deepEqual(writes, [
      { stateHash: 'a', replayed: 1, expired: 0 },
      { stateHash: 'a', replayed: 0, expired: 1 },
    ]);
  });
});
