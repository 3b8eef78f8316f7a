/**
 * The last hour of the hub's activity for the dashboard's charts: every 10 seconds one point with the
 * gateway events per second, and the 95th percentile of webhook delivery and interaction response times
 * over those 10 seconds (null when there were none). Kept in memory only: a restart starts a new hour.
 */
import type { HubMetrics } from './hub-metrics.ts';

export const STATUS_SAMPLE_INTERVAL_MS = 10_000;
/** One hour of 10-second points. */
export const STATUS_HISTORY_POINTS = 360;
/** Durations kept per interval; past it a uniform sample stands for the rest, so memory stays bounded. */
const MAX_DURATIONS_PER_INTERVAL = 4_096;

export type StatusPoint = { at: number; eventsPerSecond: number; deliveryP95Ms: number | null; interactionP95Ms: number | null };

export type StatusHistoryOptions = {
  metrics: Pick<HubMetrics, 'gatewayEventCount' | 'onDuration'>;
  now?: () => number;
  intervalMs?: number;
  capacity?: number;
  /** For the sampling of durations beyond the cap (tests pass a fixed one). */
  random?: () => number;
};

/** The 95th percentile by nearest rank, or null for no values. */
export function percentile95(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1]!;
}

/** Durations of one interval: all of them up to the cap, then a uniform sample (reservoir sampling). */
class IntervalDurations {
  values: number[] = [];
  seen = 0;

  add(ms: number, random: () => number): void {
    this.seen += 1;
    if (this.values.length < MAX_DURATIONS_PER_INTERVAL) {
      this.values.push(ms);
      return;
    }
    const slot = Math.floor(random() * this.seen);
    if (slot < MAX_DURATIONS_PER_INTERVAL) this.values[slot] = ms;
  }

  /** The interval's p95 (rounded to 0.1 ms), and a fresh start for the next one. */
  take(): number | null {
    const p95 = percentile95(this.values);
    this.values = [];
    this.seen = 0;
    return p95 === null ? null : Math.round(p95 * 10) / 10;
  }
}

export class StatusHistory {
  readonly intervalMs: number;
  readonly #options: StatusHistoryOptions;
  readonly #now: () => number;
  readonly #capacity: number;
  readonly #points: StatusPoint[] = [];
  readonly #deliveries = new IntervalDurations();
  readonly #interactions = new IntervalDurations();
  readonly #stopListening: () => void;
  #timer: NodeJS.Timeout | undefined;
  #lastAt: number;
  #lastEventCount: number;

  constructor(options: StatusHistoryOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? STATUS_SAMPLE_INTERVAL_MS;
    this.#capacity = options.capacity ?? STATUS_HISTORY_POINTS;
    this.#lastAt = this.#now();
    this.#lastEventCount = options.metrics.gatewayEventCount;
    const random = options.random ?? Math.random;
    this.#stopListening = options.metrics.onDuration((activity, ms) => {
      if (activity === 'webhook_delivery') this.#deliveries.add(ms, random);
      else this.#interactions.add(ms, random);
    });
  }

  /** Samples every interval until `stop()`; the timer never keeps the process alive. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopListening();
  }

  /** Closes the current interval into a point (the timer calls this; tests call it with their clock). */
  sample(): StatusPoint {
    const at = this.#now();
    const count = this.#options.metrics.gatewayEventCount;
    const seconds = (at - this.#lastAt) / 1000;
    const events = Math.max(0, count - this.#lastEventCount);
    const point: StatusPoint = {
      at,
      eventsPerSecond: seconds > 0 ? Math.round((events / seconds) * 100) / 100 : 0,
      deliveryP95Ms: this.#deliveries.take(),
      interactionP95Ms: this.#interactions.take(),
    };
    this.#lastAt = at;
    this.#lastEventCount = count;
    this.#points.push(point);
    if (this.#points.length > this.#capacity) this.#points.splice(0, this.#points.length - this.#capacity);
    return point;
  }

  /** The points of the last `capacity` intervals (one hour by default), oldest first. */
  points(): StatusPoint[] {
    const since = this.#now() - this.#capacity * this.intervalMs;
    return this.#points.filter((point) => point.at > since);
  }
}
