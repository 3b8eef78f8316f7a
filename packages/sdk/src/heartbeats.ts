/**
 * The heartbeat loop: beat, wait the interval the hub asked for, beat again. One beat at a time (the next
 * is scheduled only when the previous one has finished), and stopping clears the timer and cancels a beat
 * in flight.
 */
import type { HeartbeatResult } from './types.ts';

export interface HeartbeatOptions {
  /** The interval until the hub has said how often to beat (when the first beats fail). Default 30 s. */
  intervalMs?: number;
  /** Called when a beat fails; the loop carries on. Default: a warning on the console. */
  onError?: (error: unknown) => void;
  /** Called after each successful beat. */
  onBeat?: (result: HeartbeatResult) => void;
}

/** Stops the loop. Safe to call more than once. */
export type StopHeartbeats = () => void;

/** The shortest wait between beats, whatever the hub says, so that a bad answer cannot make a busy loop. */
export const MIN_HEARTBEAT_INTERVAL_MS = 1000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

/** Runs `beat` now and then at the interval each answer names, until the returned function is called. */
export function startHeartbeatLoop(beat: (signal: AbortSignal) => Promise<HeartbeatResult>, options: HeartbeatOptions = {}): StopHeartbeats {
  const onError = options.onError ?? ((error: unknown) => console.warn('switchboard: heartbeat failed:', error));
  let intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;

  const run = async (): Promise<void> => {
    timer = undefined;
    const controller = new AbortController();
    inFlight = controller;
    try {
      const result = await beat(controller.signal);
      if (Number.isFinite(result.heartbeatIntervalSeconds) && result.heartbeatIntervalSeconds > 0) {
        intervalMs = result.heartbeatIntervalSeconds * 1000;
      }
      if (!stopped) safely(() => options.onBeat?.(result));
    } catch (error) {
      if (!stopped) safely(() => onError(error));
    } finally {
      inFlight = undefined;
      if (!stopped) timer = setTimeout(() => void run(), Math.max(intervalMs, MIN_HEARTBEAT_INTERVAL_MS));
    }
  };

  void run();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    inFlight?.abort();
  };
}

/** A callback that throws must not end the loop. */
function safely(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    console.warn('switchboard: a heartbeat callback threw:', error);
  }
}
