import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BotStatus } from '../src/api/api-types.ts';
import { indicatorOf, toneOf } from '../src/format/status-tones.ts';

const ready: BotStatus = {
  running: true,
  connected: true,
  ready: true,
  state: 'ready',
  uptimeSeconds: 60,
  guilds: 2,
  latencyMs: 40,
  shards: [{ id: 0, state: 'ready', latencyMs: 40, guilds: 2, lastError: null }],
  lastError: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  version: '0.1.0',
  modules: [],
};

describe('indicatorOf', () => {
  it('is green when connected with every shard ready', () => {
    assert.equal(indicatorOf(ready, false).state, 'green');
  });

  it('is yellow while connecting or when a shard is not ready', () => {
    assert.equal(indicatorOf({ ...ready, state: 'connecting', ready: false }, false).state, 'yellow');
    assert.equal(indicatorOf({ ...ready, state: 'reconnecting' }, false).state, 'yellow');
    const degraded = indicatorOf({ ...ready, shards: [...ready.shards, { id: 1, state: 'resuming', latencyMs: null, guilds: 0, lastError: null }] }, false);
    assert.deepEqual(degraded, { state: 'yellow', label: 'Degraded (1 shard not ready)' });
  });

  it('is red when stopped or failed, grey when unknown', () => {
    assert.equal(indicatorOf({ ...ready, state: 'stopped', running: false }, false).state, 'red');
    assert.equal(indicatorOf({ ...ready, state: 'failed' }, false).state, 'red');
    assert.equal(indicatorOf(undefined, false).state, 'grey');
    assert.equal(indicatorOf(ready, true).state, 'grey');
  });
});

describe('toneOf', () => {
  it('colours good, bad and unknown states', () => {
    assert.equal(toneOf('succeeded'), 'good');
    assert.equal(toneOf('dead'), 'bad');
    assert.equal(toneOf('stale'), 'warn');
    assert.equal(toneOf('something new'), 'neutral');
  });
});
