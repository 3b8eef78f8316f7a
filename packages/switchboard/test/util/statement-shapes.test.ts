import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { padToPowerOfTwo, powerOfTwoChunks } from '../../src/util/statement-shapes.ts';

describe('powerOfTwoChunks', () => {
  it('splits in order into chunks whose sizes are powers of two, largest first', () => {
    const items = Array.from({ length: 300 }, (_, index) => index);
    const chunks = powerOfTwoChunks(items);
    assert.deepEqual(
      chunks.map((chunk) => chunk.length),
      [256, 32, 8, 4],
    );
    assert.deepEqual(chunks.flat(), items);
  });

  it('uses the largest chunk as often as it fits, and nothing for an empty list', () => {
    assert.deepEqual(
      powerOfTwoChunks(Array.from({ length: 19 }), 8).map((chunk) => chunk.length),
      [8, 8, 2, 1],
    );
    assert.deepEqual(powerOfTwoChunks([]), []);
  });

  it('makes few distinct sizes whatever the batch sizes', () => {
    const sizes = new Set<number>();
    for (let length = 1; length <= 1_000; length += 1) for (const chunk of powerOfTwoChunks(Array.from({ length }))) sizes.add(chunk.length);
    assert.equal(sizes.size, 9);
  });

  it('refuses a largest chunk that is not a power of two', () => {
    assert.throws(() => powerOfTwoChunks([1, 2, 3], 400), /power of two/);
    assert.throws(() => powerOfTwoChunks([1], 0), /power of two/);
  });
});

describe('padToPowerOfTwo', () => {
  it('repeats the last item up to the next power of two', () => {
    assert.deepEqual(padToPowerOfTwo(['a', 'b', 'c']), ['a', 'b', 'c', 'c']);
    assert.deepEqual(padToPowerOfTwo(['a', 'b', 'c', 'd']), ['a', 'b', 'c', 'd']);
    assert.deepEqual(padToPowerOfTwo(['a']), ['a']);
    assert.deepEqual(padToPowerOfTwo([]), []);
  });
});
