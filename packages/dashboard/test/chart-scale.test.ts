import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelIndexes, niceMax, ticks } from '../src/components/chart-scale.ts';

describe('chart scale', () => {
  it('rounds the top of the axis up to a readable number', () => {
    assert.equal(niceMax([]), 1);
    assert.equal(niceMax([0, null]), 1);
    assert.equal(niceMax([3, 7]), 10);
    assert.equal(niceMax([0.3]), 0.5);
    assert.equal(niceMax([120]), 200);
    assert.equal(niceMax([250]), 250);
  });

  it('spaces the ticks evenly from zero', () => {
    assert.deepEqual(ticks(200), [0, 50, 100, 150, 200]);
    assert.deepEqual(ticks(0.5), [0, 0.125, 0.25, 0.375, 0.5]);
  });

  it('keeps the first and last label and thins the rest', () => {
    assert.deepEqual(labelIndexes(5, 8), [0, 1, 2, 3, 4]);
    const thinned = labelIndexes(30, 8);
    assert.equal(thinned[0], 0);
    assert.equal(thinned[thinned.length - 1], 29);
    assert.ok(thinned.length <= 8);
    assert.deepEqual(labelIndexes(0, 8), []);
  });
});
