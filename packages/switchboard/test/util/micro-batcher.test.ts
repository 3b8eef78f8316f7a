import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { MicroBatcher } from '../../src/util/micro-batcher.ts';

/** A flush that records each batch and can be held open until released. */
function recordingFlush() {
  const batches: number[][] = [];
  let hold: Promise<void> | undefined;
  let release = () => {};
  return {
    batches,
    holdNext() {
      hold = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
    flush: async (items: number[]) => {
      batches.push([...items]);
      if (hold) {
        const held = hold;
        hold = undefined;
        await held;
      }
      return items.map((n) => n * 10);
    },
  };
}

describe('micro-batcher', () => {
  it('writes what arrives in the same turn as one batch, each caller getting its own result', async () => {
    const recorder = recordingFlush();
    const batcher = new MicroBatcher({ flush: recorder.flush });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    assert.deepEqual(results, [10, 20, 30]);
    assert.deepEqual(recorder.batches, [[1, 2, 3]]);
  });

  it('gathers what arrives while a batch is being written into the next one', async () => {
    const recorder = recordingFlush();
    const batcher = new MicroBatcher({ flush: recorder.flush });
    recorder.holdNext();
    const first = batcher.add(1);
    // Until the first flush has begun (a timer may come before the batcher's turn on a loaded machine).
    while (recorder.batches.length === 0) await sleep(1);
    const later = [2, 3, 4].map((n) => batcher.add(n));
    await sleep(5);
    assert.deepEqual(recorder.batches, [[1]], 'one flush at a time');
    assert.equal(batcher.waiting, 3);
    recorder.release();
    assert.deepEqual(await Promise.all([first, ...later]), [10, 20, 30, 40]);
    assert.deepEqual(recorder.batches, [[1], [2, 3, 4]]);
  });

  it('never puts more than maxItems in a batch, and flushes a full batch without waiting', async () => {
    const recorder = recordingFlush();
    const batcher = new MicroBatcher({ flush: recorder.flush, maxItems: 2, maxWaitMs: 60_000 });
    const started = performance.now();
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)).slice(0, 4));
    assert.ok(performance.now() - started < 10_000, 'full batches did not wait for maxWaitMs');
    assert.deepEqual(recorder.batches.slice(0, 2), [[1, 2], [3, 4]]);
    await batcher.drain();
    assert.deepEqual(recorder.batches, [[1, 2], [3, 4], [5]]);
  });

  it('waits up to maxWaitMs for more items before writing', async () => {
    const recorder = recordingFlush();
    const batcher = new MicroBatcher({ flush: recorder.flush, maxWaitMs: 30 });
    const first = batcher.add(1);
    await sleep(5);
    const second = batcher.add(2);
    assert.deepEqual(await Promise.all([first, second]), [10, 20]);
    assert.deepEqual(recorder.batches, [[1, 2]]);
  });

  it('rejects every item of a batch whose flush failed, and goes on with the next batch', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>({
      flush: async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database unreachable');
        return items;
      },
    });
    const failed = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    assert.deepEqual(
      failed.map((result) => result.status === 'rejected' && (result.reason as Error).message),
      ['database unreachable', 'database unreachable'],
    );
    assert.equal(await batcher.add(3), 3);
  });

  it('rejects a batch whose flush answered with the wrong number of results', async () => {
    const batcher = new MicroBatcher<number, number>({ flush: async () => [1] });
    await assert.rejects(Promise.all([batcher.add(1), batcher.add(2)]), /a batch of 2 was flushed with 1 results/);
  });

  it('drain() resolves once everything added has been written', async () => {
    const recorder = recordingFlush();
    const batcher = new MicroBatcher({ flush: recorder.flush, maxWaitMs: 60_000 });
    void batcher.add(1);
    void batcher.add(2);
    await batcher.drain();
    assert.deepEqual(recorder.batches, [[1, 2]]);
    assert.equal(batcher.waiting, 0);
  });

  it('refuses settings that make no sense, naming them', () => {
    const flush = async (items: number[]) => items;
    assert.throws(() => new MicroBatcher({ flush, maxItems: 0 }), /maxItems must be a whole number of at least 1 \(got 0\)/);
    assert.throws(() => new MicroBatcher({ flush, maxWaitMs: -1 }), /maxWaitMs must be 0 or more \(got -1\)/);
  });
});
