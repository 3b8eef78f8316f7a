/**
 * The identify gate shared by every instance on one Redis: Discord counts `max_concurrency` identifies per
 * 5 seconds for the whole bot, one per bucket (`shard_id % max_concurrency`), whichever process sends them.
 * A bucket's turn is a key set with NX and the window as its expiry; whoever sets it identifies, the others
 * wait until it expires and try again.
 */
import { GATEWAY_IDENTIFY_WINDOW_MS } from 'discord-limits';
import type { Redis } from 'ioredis';
import type { IdentifyWaiter } from './identify-gate.ts';

export type RedisIdentifyGateOptions = {
  /** Prepended to the keys (`<prefix>identify:<bucket>`). */
  prefix: string;
  maxConcurrency: number;
  /** Who holds the turn, for whoever looks at Redis. */
  holder: string;
  windowMs?: number;
};

/** The shortest wait between two tries, so that a key about to expire is not polled in a tight loop. */
const MIN_POLL_MS = 25;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RedisIdentifyGate implements IdentifyWaiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #maxConcurrency: number;
  readonly #windowMs: number;
  readonly #holder: string;

  constructor(redis: Redis, options: RedisIdentifyGateOptions) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#maxConcurrency = Math.max(1, options.maxConcurrency);
    this.#windowMs = options.windowMs ?? GATEWAY_IDENTIFY_WINDOW_MS;
    this.#holder = options.holder;
  }

  key(shardId: number): string {
    return `${this.#prefix}identify:${shardId % this.#maxConcurrency}`;
  }

  async wait(shardId: number, signal?: AbortSignal): Promise<void> {
    const key = this.key(shardId);
    for (;;) {
      if (signal?.aborted) throw signal.reason as Error;
      const taken = await this.#redis.set(key, `${this.#holder}:${shardId}`, 'PX', this.#windowMs, 'NX');
      if (taken === 'OK') return;
      const left = await this.#redis.pttl(key);
      await sleep(Math.max(MIN_POLL_MS, left), signal);
    }
  }
}
