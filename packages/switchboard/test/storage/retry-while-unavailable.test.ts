/** Retrying an outbox write while the database is away: succeeds once it is back, gives up after the window or at stop. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { retryWhileUnavailable } from '../../src/storage/retry-while-unavailable.ts';

const down = new Error('connection refused');

describe('retryWhileUnavailable', () => {
  it('keeps trying until the write succeeds, with growing delays', async () => {
    let calls = 0;
    const delays: number[] = [];
    const result = await retryWhileUnavailable(
      async () => {
        calls += 1;
        if (calls < 4) throw down;
        return 'stored';
      },
      { firstDelayMs: 1, maxDelayMs: 3, onRetry: (_error, _attempt, delayMs) => delays.push(delayMs) },
    );
    assert.equal(result, 'stored');
    assert.equal(calls, 4);
    assert.deepEqual(delays, [1, 2, 3]);
  });

  it('throws the last error once the window is over', async () => {
    let clock = 0;
    let calls = 0;
    const attempt = retryWhileUnavailable(
      async () => {
        calls += 1;
        clock += 40;
        throw down;
      },
      { windowMs: 100, firstDelayMs: 1, maxDelayMs: 1, now: () => clock },
    );
    await assert.rejects(attempt, down);
    assert.equal(calls, 4, 'the window opens at the first failure (40 ms); the retries end at 120 ms + 40 ms, past its 140 ms');
  });

  it('gives up at once when stopping', async () => {
    const stopping = new AbortController();
    stopping.abort();
    let calls = 0;
    await assert.rejects(
      retryWhileUnavailable(async () => {
        calls += 1;
        throw down;
      }, { signal: stopping.signal }),
      down,
    );
    assert.equal(calls, 1);
  });
});
