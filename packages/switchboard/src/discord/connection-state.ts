/**
 * The gateway supervisor's state machine, kept pure: the runtime feeds it what happened (`ConnectionEvent`)
 * and carries out what it asks for (`Effect`), so every reconnect decision can be tested without a socket
 * or a timer. Events that make no sense in the current state are answered with an `ignored` effect.
 */
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import { closeCodeInfo } from './gateway-close-codes.ts';

export type ConnectionStatus = 'stopped' | 'starting' | 'connecting' | 'ready' | 'resuming' | 'reconnecting' | 'failed';

/** The last thing that went wrong; `code` is the gateway close code, or null when there was none. */
export type ConnectionError = { code: number | null; message: string };

export type ConnectionState = {
  status: ConnectionStatus;
  /** Failed connections since the last READY or RESUMED. */
  consecutiveFailures: number;
  lastError: ConnectionError | null;
  /** Discord would accept a RESUME for the current session. */
  hasSession: boolean;
  /** A retry timer is running and no connection is open. */
  retryPending: boolean;
};

export type ConnectionEvent =
  /** `resume`: try the stored session first (a shard taken over from another instance). */
  | { type: 'start'; resume?: boolean }
  | { type: 'connecting' }
  | { type: 'ready' }
  | { type: 'resumed' }
  | { type: 'closed'; code: number; reason?: string }
  | { type: 'heartbeatMissed' }
  | { type: 'stop' }
  /** Stops while leaving the session resumable, so that another instance can RESUME it (shard handed over). */
  | { type: 'handOver' }
  | { type: 'retryDue' };

export type Effect =
  | { kind: 'connect'; resume: boolean }
  | { kind: 'disconnect'; reason: string; keepSession?: true }
  | { kind: 'scheduleRetry'; delayMs: number }
  | { kind: 'cancelRetry' }
  | { kind: 'ignored'; reason: string };

export type SupervisorPolicy = BackoffPolicy & { maxConsecutiveFailures: number };

export type Transition = { state: ConnectionState; effects: Effect[] };

export function initialConnectionState(): ConnectionState {
  return { status: 'stopped', consecutiveFailures: 0, lastError: null, hasSession: false, retryPending: false };
}

const HEARTBEAT_MISSED_MESSAGE = 'Discord stopped acknowledging heartbeats, so the connection was presumed dead.';

function ignore(state: ConnectionState, event: ConnectionEvent): Transition {
  const waiting = state.retryPending ? ' while waiting to retry' : '';
  return { state, effects: [{ kind: 'ignored', reason: `"${event.type}" does not apply when ${state.status}${waiting}` }] };
}

/** A connection is open (or being opened), as opposed to stopped, failed or waiting for a retry timer. */
function hasLiveConnection(state: ConnectionState): boolean {
  return state.status !== 'stopped' && state.status !== 'failed' && !state.retryPending;
}

/** Counts one failure, then gives up or schedules the next attempt. */
function fail(
  state: ConnectionState,
  error: ConnectionError,
  outcome: { resumable: boolean; fatal: boolean },
  policy: SupervisorPolicy,
  random: () => number,
): Transition {
  const consecutiveFailures = state.consecutiveFailures + 1;
  const stopped = { consecutiveFailures, hasSession: false, retryPending: false, status: 'failed' as const };
  if (outcome.fatal) return { state: { ...stopped, lastError: error }, effects: [] };
  if (consecutiveFailures >= policy.maxConsecutiveFailures) {
    const message = `gave up after ${consecutiveFailures} consecutive failed connections; the last: ${error.message}`;
    return { state: { ...stopped, lastError: { code: error.code, message } }, effects: [] };
  }
  const resume = outcome.resumable && state.hasSession;
  return {
    state: { status: resume ? 'resuming' : 'reconnecting', consecutiveFailures, lastError: error, hasSession: resume, retryPending: true },
    effects: [{ kind: 'scheduleRetry', delayMs: backoffDelay(consecutiveFailures - 1, policy, random) }],
  };
}

function closed(state: ConnectionState, code: number, reason: string | undefined, policy: SupervisorPolicy, random: () => number): Transition {
  const info = closeCodeInfo(code);
  const said = reason ? ` ("${reason}")` : '';
  const message = info.fatal ? info.advice : `Discord closed the connection with ${code} ${info.name}${said}: ${info.advice}`;
  return fail(state, { code, message }, info, policy, random);
}

export function transition(
  state: ConnectionState,
  event: ConnectionEvent,
  policy: SupervisorPolicy,
  random: () => number = Math.random,
): Transition {
  switch (event.type) {
    case 'start': {
      if (state.status !== 'stopped' && state.status !== 'failed') return ignore(state, event);
      const resume = event.resume === true;
      return {
        state: { status: resume ? 'resuming' : 'starting', consecutiveFailures: 0, lastError: state.lastError, hasSession: resume, retryPending: false },
        effects: [{ kind: 'connect', resume }],
      };
    }

    case 'connecting':
      if (!hasLiveConnection(state) || state.status === 'connecting' || state.status === 'ready') return ignore(state, event);
      // A resume handshake keeps the resuming status, so that people can tell it from a fresh identify.
      if (state.status === 'resuming') return { state, effects: [] };
      return { state: { ...state, status: 'connecting' }, effects: [] };

    case 'ready':
      if (!hasLiveConnection(state) || state.status === 'ready') return ignore(state, event);
      return { state: { ...state, status: 'ready', consecutiveFailures: 0, hasSession: true }, effects: [] };

    case 'resumed':
      if (state.status !== 'resuming' || state.retryPending) return ignore(state, event);
      return { state: { ...state, status: 'ready', consecutiveFailures: 0 }, effects: [] };

    case 'closed':
      if (!hasLiveConnection(state)) return ignore(state, event);
      return closed(state, event.code, event.reason, policy, random);

    case 'heartbeatMissed': {
      if (!hasLiveConnection(state)) return ignore(state, event);
      const next = fail(state, { code: null, message: HEARTBEAT_MISSED_MESSAGE }, { resumable: true, fatal: false }, policy, random);
      // The runtime drops the zombie socket itself; the close that follows finds no live connection and is ignored.
      return { state: next.state, effects: [{ kind: 'disconnect', reason: HEARTBEAT_MISSED_MESSAGE }, ...next.effects] };
    }

    case 'stop':
    case 'handOver': {
      if (state.status === 'stopped') return ignore(state, event);
      const effects: Effect[] = [];
      if (state.retryPending) effects.push({ kind: 'cancelRetry' });
      else if (event.type === 'handOver' && hasLiveConnection(state)) effects.push({ kind: 'disconnect', reason: 'The shard was handed over to another instance.', keepSession: true });
      else if (hasLiveConnection(state)) effects.push({ kind: 'disconnect', reason: 'Switchboard was asked to stop.' });
      return { state: { ...initialConnectionState(), lastError: state.lastError }, effects };
    }

    case 'retryDue':
      if (!state.retryPending) return ignore(state, event);
      return { state: { ...state, retryPending: false }, effects: [{ kind: 'connect', resume: state.status === 'resuming' }] };
  }
}
