/**
 * Makes several instances spend Discord's REST limits for their one bot token as one client would. Before
 * a call joins the REST client's own queue, `reserveRoute` takes it from the bucket all instances share in
 * Redis (waiting while another instance has emptied it); just before each attempt goes on the wire,
 * `waitForGlobal` takes it from the shared global budget; every answer's `X-RateLimit-*` headers go back
 * to Redis through `recordAnswer`. The REST client keeps its own per-instance state as before, so when
 * Redis fails (see `RedisFallback`) each call simply goes by that, as a lone instance does.
 *
 * Calls of one instance for one bucket take their turns in the order they were made, so that a message
 * sent after another is not overtaken while both wait for the same window.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { RedisFallback } from './redis-fallback.ts';
import { RedisRestBuckets } from './redis-rest-buckets.ts';
import { globalRetryAfterMs, readBucketHeaders, restBucketRoute, spendsGlobalLimit, type HeaderSource } from './rest-bucket-route.ts';
import { SharedInvalidRequestCount } from './shared-invalid-requests.ts';

export type SharedRestLimitsOptions = {
  /** The bot token whose limits are shared; only a digest of it reaches Redis. */
  botToken: string;
  /** Prepended to every Redis key (default `switchboard:`). */
  keyPrefix?: string;
  /** Whether `close()` also quits the connection; off by default because the caller usually owns it. */
  quitOnClose?: boolean;
  metrics?: HubMetrics;
  logger?: Logger;
  /** The longest a Redis call may take before this instance goes by its own state (default 250 ms). */
  redisTimeoutMs?: number;
  /** How long Redis is left alone after it failed (default 5 s). */
  redisRetryAfterMs?: number;
  /** How often a caller waiting for another instance's discovery of a bucket asks again (default 25 ms). */
  discoveryPollMs?: number;
  /** How often the invalid-request count is synced (default 1 s). */
  invalidSyncIntervalMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

/** A call taken from its bucket; `release()` once the call is over (it ends a discovery that got no answer). */
export type RouteReservation = { release(): void };

const NOTHING_TO_RELEASE: RouteReservation = { release() {} };

export class SharedRestLimits {
  /** The invalid-request count of every instance, for `RestGuardrails`' `sharedInvalidRequests`. */
  readonly invalidRequests: SharedInvalidRequestCount;
  readonly #redis: Redis;
  readonly #quitOnClose: boolean;
  readonly #buckets: RedisRestBuckets;
  readonly #fallback: RedisFallback;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #discoveryPollMs: number;
  /** Route → bucket hash (or 'unlimited'), as learned from answers; a cache of what Redis holds. */
  readonly #hashes = new Map<string, string>();
  /** Bucket → the end of the queue of this instance's calls waiting for it. */
  readonly #turns = new Map<string, Promise<void>>();

  constructor(redis: Redis, options: SharedRestLimitsOptions) {
    this.#redis = redis;
    this.#quitOnClose = options.quitOnClose ?? false;
    this.#fallback = new RedisFallback({
      timeoutMs: options.redisTimeoutMs,
      retryAfterMs: options.redisRetryAfterMs,
      logger: options.logger,
      metrics: options.metrics,
      now: options.now,
    });
    this.#buckets = new RedisRestBuckets(redis, { keyPrefix: options.keyPrefix, botToken: options.botToken });
    this.invalidRequests = new SharedInvalidRequestCount(redis, {
      keyPrefix: options.keyPrefix,
      botToken: options.botToken,
      fallback: this.#fallback,
      syncIntervalMs: options.invalidSyncIntervalMs,
      now: options.now,
    });
    this.#sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.#discoveryPollMs = options.discoveryPollMs ?? 25;
  }

  /** Whether the state in Redis is in use, rather than this instance's own after a Redis failure. */
  get shared(): boolean {
    return this.#fallback.shared;
  }

  /** Every Redis key of this token starts with this. */
  get keyPrefix(): string {
    return this.#buckets.keyPrefix;
  }

  /** Starts syncing the invalid-request count. */
  start(): void {
    this.invalidRequests.start();
  }

  /** Stops syncing, after sending the invalid requests still counted only here. */
  async close(): Promise<void> {
    await this.invalidRequests.stop();
    if (this.#quitOnClose) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  /**
   * Waits until the call's bucket has room for it across every instance, and takes it. Interaction
   * callbacks are never waited for; when Redis fails the call goes by this instance's own state.
   */
  async reserveRoute(method: string, path: string, signal?: AbortSignal): Promise<RouteReservation> {
    const bucket = restBucketRoute(method, path);
    if (!bucket) return NOTHING_TO_RELEASE;
    const endTurn = await this.#takeTurn(`${bucket.route} ${bucket.major}`);
    try {
      const owner = randomUUID();
      for (;;) {
        signal?.throwIfAborted();
        let hash: string | null | undefined = this.#hashes.get(bucket.route);
        if (hash === undefined) {
          hash = await this.#fallback.run(() => this.#buckets.bucketOf(bucket.route));
          if (hash === undefined) return NOTHING_TO_RELEASE;
          if (hash !== null) this.#hashes.set(bucket.route, hash);
        }
        if (hash === 'unlimited') return NOTHING_TO_RELEASE;
        const key = this.#buckets.bucketKey(bucket.route, bucket.major, hash);
        const take = await this.#fallback.run(() => this.#buckets.takeRoute(key, owner));
        if (!take) return NOTHING_TO_RELEASE;
        if (take.taken) {
          if (!take.discovering) return NOTHING_TO_RELEASE;
          return { release: () => void this.#fallback.run(() => this.#buckets.releaseDiscovery(key, owner)) };
        }
        // Another instance is learning this bucket: its answer is usually a round trip away, not a window.
        await this.#sleep(take.discovering ? Math.min(take.waitMs, this.#discoveryPollMs) : take.waitMs, signal);
      }
    } finally {
      endTurn();
    }
  }

  /**
   * Waits until the token's global budget, shared by every instance, has room for one more call, and
   * takes it. Calls that do not spend the global limit (no bot token, interaction endpoints) go at once.
   */
  async waitForGlobal(path: string, authorized: boolean, signal?: AbortSignal): Promise<void> {
    if (!spendsGlobalLimit(path, authorized)) return;
    for (;;) {
      signal?.throwIfAborted();
      const waitMs = await this.#fallback.run(() => this.#buckets.takeGlobal());
      if (waitMs === undefined || waitMs === 0) return;
      await this.#sleep(waitMs, signal);
    }
  }

  /** Shares what an answer said about its bucket and the global limit. Returns at once; Redis is written in the background. */
  recordAnswer(method: string, path: string, status: number, headers: HeaderSource): void {
    const pauseMs = globalRetryAfterMs(status, headers);
    if (pauseMs !== null) void this.#fallback.run(() => this.#buckets.pauseGlobal(pauseMs));
    const bucket = restBucketRoute(method, path);
    if (!bucket) return;
    const facts = readBucketHeaders(headers);
    const hash = facts?.hash;
    if (facts && hash) {
      this.#hashes.set(bucket.route, hash);
      void this.#fallback.run(() => this.#buckets.recordRoute(bucket.route, bucket.major, { ...facts, hash }));
    } else if (!facts && status >= 200 && status < 300) {
      this.#hashes.set(bucket.route, 'unlimited');
      void this.#fallback.run(() => this.#buckets.recordUnlimited(bucket.route, bucket.major));
    }
  }

  /** Waits for this instance's earlier calls on the same bucket to be taken; returns the way to let the next one go. */
  async #takeTurn(key: string): Promise<() => void> {
    const previous = this.#turns.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#turns.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.#turns.get(key) === tail) this.#turns.delete(key);
    };
  }
}
