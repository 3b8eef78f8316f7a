import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialConnectionState, transition, type ConnectionState } from '../../src/discord/connection-state.ts';

const policy = { baseMs: 100, capMs: 1_000, maxConsecutiveFailures: 5 };
const ready: ConnectionState = { status: 'ready', consecutiveFailures: 0, lastError: null, hasSession: true, retryPending: false };

describe('connection state: shards moving between instances', () => {
  it('a start with resume connects resuming, and RESUMED makes it ready', () => {
    const started = transition(initialConnectionState(), { type: 'start', resume: true }, policy);
    assert.deepEqual(started.effects, [{ kind: 'connect', resume: true }]);
    assert.equal(started.state.status, 'resuming');
    const opened = transition(started.state, { type: 'connecting' }, policy);
    assert.equal(opened.state.status, 'resuming', 'the handshake keeps the resuming status');
    assert.equal(transition(opened.state, { type: 'resumed' }, policy).state.status, 'ready');
  });

  it('a start with resume whose session is gone becomes ready on READY (the shard identified instead)', () => {
    const started = transition(initialConnectionState(), { type: 'start', resume: true }, policy);
    assert.equal(transition(started.state, { type: 'ready' }, policy).state.status, 'ready');
  });

  it('a plain start still identifies', () => {
    assert.deepEqual(transition(initialConnectionState(), { type: 'start' }, policy).effects, [{ kind: 'connect', resume: false }]);
  });

  it('a hand-over stops the shard but keeps the session resumable', () => {
    const handed = transition(ready, { type: 'handOver' }, policy);
    assert.equal(handed.state.status, 'stopped');
    assert.deepEqual(handed.effects, [{ kind: 'disconnect', reason: 'The shard was handed over to another instance.', keepSession: true }]);
    assert.deepEqual(transition(ready, { type: 'stop' }, policy).effects, [{ kind: 'disconnect', reason: 'Switchboard was asked to stop.' }]);
  });

  it('a hand-over while waiting to retry cancels the retry; when stopped it is ignored', () => {
    const waiting: ConnectionState = { ...ready, status: 'resuming', retryPending: true };
    assert.deepEqual(transition(waiting, { type: 'handOver' }, policy).effects, [{ kind: 'cancelRetry' }]);
    assert.equal(transition(initialConnectionState(), { type: 'handOver' }, policy).effects[0]?.kind, 'ignored');
  });
});
