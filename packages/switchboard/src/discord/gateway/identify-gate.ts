/**
 * Discord lets `max_concurrency` shards identify per 5 seconds, one per bucket (`shard_id % max_concurrency`).
 * The gate makes each identify wait for its bucket's turn. This one counts within the process; with several
 * instances redis-identify-gate.ts counts across all of them.
 */
import { GATEWAY_IDENTIFY_WINDOW_MS } from 'discord-limits';

/** What a shard waits on before it sends IDENTIFY. */
export interface IdentifyWaiter {
  /** Resolves when this shard may identify; rejects with the signal's reason when aborted. */
  wait(shardId: number, signal?: AbortSignal): Promise<void>;
}

export class IdentifyGate implements IdentifyWaiter {
  readonly #maxConcurrency: number;
  readonly #nextAllowedAt = new Map<number, number>();
  readonly #windowMs: number;

  constructor(maxConcurrency: number, windowMs = GATEWAY_IDENTIFY_WINDOW_MS) {
    this.#maxConcurrency = Math.max(1, maxConcurrency);
    this.#windowMs = windowMs;
  }

  /** Resolves when this shard may identify; aborts with the signal. */
  async wait(shardId: number, signal?: AbortSignal): Promise<void> {
    const bucket = shardId % this.#maxConcurrency;
    const now = Date.now();
    const allowedAt = Math.max(now, this.#nextAllowedAt.get(bucket) ?? 0);
    this.#nextAllowedAt.set(bucket, allowedAt + this.#windowMs);
    const delay = allowedAt - now;
    if (delay <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, delay);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    });
  }
}
