/**
 * Keeps a Redis outage from stopping Discord REST calls. The shared rate-limit state lives in Redis, but
 * every instance also keeps its own (the REST client's buckets and global count), which is what one
 * instance alone uses anyway. So each Redis call here has a deadline, and when one fails or is late the
 * caller gets `undefined` and goes on with its local state; for `retryAfterMs` after a failure Redis is
 * not asked at all, so that a dead Redis costs no latency. The outage is logged once (warn) and its end
 * once (info), the gauge `switchboard_discord_rest_limits_shared` shows which state is in use, and every
 * failed call counts in `switchboard_errors_total{type="rest_shared_limits"}`.
 */
import type { Logger } from 'pino';
import type { HubMetrics } from '../metrics/hub-metrics.ts';

export type RedisFallbackOptions = {
  /** The longest a Redis call may take before the local state is used instead (default 250 ms). */
  timeoutMs?: number;
  /** How long Redis is left alone after a failure (default 5 s). */
  retryAfterMs?: number;
  logger?: Logger;
  metrics?: HubMetrics;
  now?: () => number;
};

const DEFAULT_TIMEOUT_MS = 250;
const DEFAULT_RETRY_AFTER_MS = 5_000;

export class RedisFallback {
  readonly #timeoutMs: number;
  readonly #retryAfterMs: number;
  readonly #logger: Logger | undefined;
  readonly #metrics: HubMetrics | undefined;
  readonly #now: () => number;
  #downSince: number | undefined;
  #retryAt = 0;

  constructor(options: RedisFallbackOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    if (!(this.#timeoutMs > 0) || !(this.#retryAfterMs >= 0)) {
      throw new RangeError(`RedisFallback needs timeoutMs > 0 and retryAfterMs ≥ 0; got ${this.#timeoutMs} and ${this.#retryAfterMs}`);
    }
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#now = options.now ?? Date.now;
    this.#metrics?.setDiscordRestLimitsShared(true);
  }

  /** Whether the shared state is in use (Redis answered last time, or is due to be asked again). */
  get shared(): boolean {
    return this.#downSince === undefined;
  }

  /** The call's result, or `undefined` when Redis failed, was too slow, or is being left alone after a failure. */
  async run<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (this.#downSince !== undefined && this.#now() < this.#retryAt) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      });
      const result = await Promise.race([call(), deadline]);
      this.#recovered();
      return result;
    } catch (error) {
      this.#failed(error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #failed(error: unknown): void {
    this.#metrics?.recordError('rest_shared_limits');
    this.#retryAt = this.#now() + this.#retryAfterMs;
    if (this.#downSince !== undefined) return;
    this.#downSince = this.#now();
    this.#metrics?.setDiscordRestLimitsShared(false);
    this.#logger?.warn(
      { err: error, retryAfterMs: this.#retryAfterMs },
      "Redis failed: Discord's rate limits are kept per instance until it answers again, so several instances together may exceed them",
    );
  }

  #recovered(): void {
    if (this.#downSince === undefined) return;
    const downForMs = this.#now() - this.#downSince;
    this.#downSince = undefined;
    this.#metrics?.setDiscordRestLimitsShared(true);
    this.#logger?.info({ downForMs }, "Redis answers again: Discord's rate limits are shared by every instance again");
  }
}
