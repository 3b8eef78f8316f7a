import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  initialConnectionState,
  transition,
  type ConnectionEvent,
  type ConnectionState,
  type Effect,
  type SupervisorPolicy,
} from '../../src/discord/connection-state.ts';

const policy: SupervisorPolicy = { maxConsecutiveFailures: 4, baseMs: 1_000, capMs: 60_000 };
/** The top of the jitter range, so that delays show the exponential ceiling. */
const top = () => 1 - Number.EPSILON;

/** Runs events in order from `state`, returning the final state and every effect on the way. */
function run(events: ConnectionEvent[], state: ConnectionState = initialConnectionState()) {
  const effects: Effect[] = [];
  for (const event of events) {
    const next = transition(state, event, policy, top);
    state = next.state;
    effects.push(...next.effects);
  }
  return { state, effects };
}

const readyEvents: ConnectionEvent[] = [{ type: 'start' }, { type: 'connecting' }, { type: 'ready' }];

function isIgnored(effects: Effect[]): boolean {
  return effects.length === 1 && effects[0]?.kind === 'ignored';
}

describe('connection state machine', () => {
  it('starts, connects and becomes ready', () => {
    const started = run([{ type: 'start' }]);
    assert.equal(started.state.status, 'starting');
    assert.deepEqual(started.effects, [{ kind: 'connect', resume: false }]);
    const connecting = run([{ type: 'connecting' }], started.state);
    assert.equal(connecting.state.status, 'connecting');
    const ready = run([{ type: 'ready' }], connecting.state);
    assert.deepEqual(ready.state, { status: 'ready', consecutiveFailures: 0, lastError: null, hasSession: true, retryPending: false });
  });

  it('resumes after a resumable close, with a retry first and a resume connect when it is due', () => {
    const ready = run(readyEvents).state;
    const closed = transition(ready, { type: 'closed', code: 4000 }, policy, top);
    assert.equal(closed.state.status, 'resuming');
    assert.equal(closed.state.consecutiveFailures, 1);
    assert.equal(closed.state.lastError?.code, 4000);
    assert.match(closed.state.lastError?.message ?? '', /4000 Unknown error/);
    assert.deepEqual(closed.effects, [{ kind: 'scheduleRetry', delayMs: 1_000 }]);
    const due = run([{ type: 'retryDue' }], closed.state);
    assert.deepEqual(due.effects, [{ kind: 'connect', resume: true }]);
    const resumed = run([{ type: 'connecting' }, { type: 'resumed' }], due.state);
    assert.equal(resumed.state.status, 'ready');
    assert.equal(resumed.state.consecutiveFailures, 0);
  });

  it('treats every resumable code from the table as a resume, and the session-ending ones as a fresh identify', () => {
    const ready = run(readyEvents).state;
    for (const code of [1001, 1006, 4000, 4001, 4002, 4003, 4005, 4008]) {
      assert.equal(transition(ready, { type: 'closed', code }, policy, top).state.status, 'resuming', String(code));
    }
    for (const code of [1000, 4007, 4009, 4999]) {
      const next = transition(ready, { type: 'closed', code }, policy, top);
      assert.equal(next.state.status, 'reconnecting', String(code));
      assert.equal(next.state.hasSession, false);
      assert.deepEqual(run([{ type: 'retryDue' }], next.state).effects, [{ kind: 'connect', resume: false }]);
    }
  });

  it('reconnects instead of resuming when there never was a session', () => {
    const closed = run([{ type: 'start' }, { type: 'connecting' }, { type: 'closed', code: 1006 }]);
    assert.equal(closed.state.status, 'reconnecting');
    const again = run([{ type: 'retryDue' }, { type: 'connecting' }], closed.state);
    assert.equal(again.state.status, 'connecting');
    assert.equal(run([{ type: 'ready' }], again.state).state.status, 'ready');
  });

  it('fails at once on each fatal code, with plain-words advice and no retry', () => {
    const ready = run(readyEvents).state;
    const expected: Record<number, RegExp> = {
      4004: /DISCORD_TOKEN was rejected by Discord: create a new token in the Developer Portal and set DISCORD_TOKEN/,
      4010: /shard/,
      4011: /shards/,
      4012: /version/,
      4013: /the intents value is invalid/,
      4014: /enable the Message Content \/ Server Members \/ Presence intent .* \(Bot → Privileged Gateway Intents\)/,
    };
    for (const [code, advice] of Object.entries(expected)) {
      const next = transition(ready, { type: 'closed', code: Number(code) }, policy, top);
      assert.equal(next.state.status, 'failed', code);
      assert.deepEqual(next.effects, [], code);
      assert.equal(next.state.lastError?.code, Number(code));
      assert.match(next.state.lastError?.message ?? '', advice);
    }
  });

  it('backs off exponentially and gives up after maxConsecutiveFailures', () => {
    let state = run([{ type: 'start' }]).state;
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const next = run([{ type: 'closed', code: 1006, reason: 'socket hang up' }], state);
      const retry = next.effects.find((effect) => effect.kind === 'scheduleRetry');
      assert.ok(retry?.kind === 'scheduleRetry');
      delays.push(retry.delayMs);
      state = run([{ type: 'retryDue' }], next.state).state;
    }
    assert.deepEqual(delays, [1_000, 2_000, 4_000]);
    assert.equal(state.consecutiveFailures, 3);
    const last = run([{ type: 'closed', code: 1006, reason: 'socket hang up' }], state);
    assert.equal(last.state.status, 'failed');
    assert.deepEqual(last.effects, []);
    assert.match(last.state.lastError?.message ?? '', /^gave up after 4 consecutive failed connections; the last: .*1006.*socket hang up/);
  });

  it('forgets past failures once ready again', () => {
    const flaky = run([{ type: 'start' }, { type: 'closed', code: 1006 }, { type: 'retryDue' }, { type: 'closed', code: 1006 }, { type: 'retryDue' }]);
    assert.equal(flaky.state.consecutiveFailures, 2);
    const ready = run([{ type: 'connecting' }, { type: 'ready' }], flaky.state);
    assert.equal(ready.state.consecutiveFailures, 0);
    assert.equal(ready.state.lastError?.code, 1006, 'the last error stays visible for diagnosis');
  });

  it('treats a missed heartbeat as a dead connection: disconnect, then resume with backoff', () => {
    const ready = run(readyEvents).state;
    const missed = transition(ready, { type: 'heartbeatMissed' }, policy, top);
    assert.equal(missed.state.status, 'resuming');
    assert.deepEqual(missed.effects.map((effect) => effect.kind), ['disconnect', 'scheduleRetry']);
    assert.equal(missed.state.lastError?.code, null);
    // The close of the socket the runtime dropped must not count as a second failure.
    const echo = transition(missed.state, { type: 'closed', code: 1006 }, policy, top);
    assert.equal(echo.state, missed.state);
    assert.ok(isIgnored(echo.effects));
  });

  it('stops from anywhere: cancels a pending retry, or closes an open connection', () => {
    const ready = run(readyEvents).state;
    assert.deepEqual(run([{ type: 'stop' }], ready).effects, [{ kind: 'disconnect', reason: 'Switchboard was asked to stop.' }]);
    const waiting = run([{ type: 'closed', code: 4000 }], ready).state;
    const stopped = run([{ type: 'stop' }], waiting);
    assert.deepEqual(stopped.effects, [{ kind: 'cancelRetry' }]);
    assert.equal(stopped.state.status, 'stopped');
    assert.equal(stopped.state.retryPending, false);
    const failed = run([{ type: 'closed', code: 4004 }], ready).state;
    assert.deepEqual(run([{ type: 'stop' }], failed).effects, []);
  });

  it('can be started again after failing, with a fresh failure count', () => {
    const failed = run([...readyEvents, { type: 'closed', code: 4014 }]).state;
    const restarted = run([{ type: 'start' }], failed);
    assert.equal(restarted.state.status, 'starting');
    assert.equal(restarted.state.consecutiveFailures, 0);
    assert.deepEqual(restarted.effects, [{ kind: 'connect', resume: false }]);
  });

  it('ignores events that make no sense, returning the same state and a reason', () => {
    const stopped = initialConnectionState();
    const ready = run(readyEvents).state;
    const waiting = run([{ type: 'closed', code: 4000 }], ready).state;
    const failed = run([{ type: 'closed', code: 4004 }], ready).state;
    const cases: [ConnectionState, ConnectionEvent][] = [
      [stopped, { type: 'stop' }],
      [stopped, { type: 'ready' }],
      [stopped, { type: 'closed', code: 1006 }],
      [stopped, { type: 'retryDue' }],
      [stopped, { type: 'heartbeatMissed' }],
      [ready, { type: 'start' }],
      [ready, { type: 'ready' }],
      [ready, { type: 'resumed' }],
      [ready, { type: 'connecting' }],
      [ready, { type: 'retryDue' }],
      [waiting, { type: 'connecting' }],
      [waiting, { type: 'resumed' }],
      [waiting, { type: 'ready' }],
      [failed, { type: 'closed', code: 1006 }],
      [failed, { type: 'retryDue' }],
    ];
    for (const [state, event] of cases) {
      const next = transition(state, event, policy, top);
      assert.equal(next.state, state, `${state.status} + ${event.type}`);
      assert.ok(isIgnored(next.effects), `${state.status} + ${event.type}`);
    }
    const [effect] = transition(ready, { type: 'start' }, policy, top).effects;
    assert.deepEqual(effect, { kind: 'ignored', reason: '"start" does not apply when ready' });
  });

  it('uses the injected random for jitter', () => {
    const ready = run(readyEvents).state;
    const next = transition(ready, { type: 'closed', code: 4000 }, policy, () => 0.5);
    assert.deepEqual(next.effects, [{ kind: 'scheduleRetry', delayMs: 500 }]);
  });
});
