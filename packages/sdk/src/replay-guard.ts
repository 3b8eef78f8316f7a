/**
 * Remembers the webhooks already accepted, for as long as their timestamp is within the tolerance window
 * (after that the timestamp check refuses them anyway), so that a captured request cannot be replayed.
 * Memory is bounded: past `maxEntries`, the oldest ids are forgotten first.
 *
 * It tells two repeats apart. The very same signed request again (same id, same timestamp) is a
 * `replayed` request: only a copy can be that. The same id with a new timestamp is a `duplicate`: the hub
 * itself re-signed it, retrying after a timeout or redelivering on request — the event was already
 * accepted and should be acknowledged, not handled twice.
 *
 * It lives in one process: several instances of an app behind a load balancer each have their own.
 */

export interface ReplayGuardOptions {
  /** How long after its timestamp an id is remembered; match the verifier's tolerance. Default 300. */
  toleranceSeconds?: number;
  /** The most ids remembered at once. Default 10 000. */
  maxEntries?: number;
}

/** `new`: first seen (now remembered); `replayed`: the same signed request again; `duplicate`: re-signed by the hub. */
export type ReplayCheck = 'new' | 'replayed' | 'duplicate';

export class ReplayGuard {
  /** id → its first timestamp and the unix second after which it can be forgotten; oldest first. */
  readonly #seen = new Map<string, { timestamp: number; until: number }>();
  readonly #toleranceSeconds: number;
  readonly #maxEntries: number;

  constructor(options: ReplayGuardOptions = {}) {
    this.#toleranceSeconds = options.toleranceSeconds ?? 300;
    this.#maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  }

  /** How many ids are remembered now. */
  get size(): number {
    return this.#seen.size;
  }

  /**
   * Checks `id` and remembers it if new. `timestampSeconds` is the webhook's own timestamp;
   * `nowSeconds` defaults to the clock.
   */
  check(id: string, timestampSeconds: number, nowSeconds: number = Date.now() / 1000): ReplayCheck {
    this.#forgetExpired(nowSeconds);
    const seen = this.#seen.get(id);
    if (seen !== undefined && seen.until >= nowSeconds) return seen.timestamp === timestampSeconds ? 'replayed' : 'duplicate';
    this.#seen.delete(id);
    while (this.#seen.size >= this.#maxEntries) {
      const oldest = this.#seen.keys().next();
      if (oldest.done === true) break;
      this.#seen.delete(oldest.value);
    }
    this.#seen.set(id, { timestamp: timestampSeconds, until: timestampSeconds + this.#toleranceSeconds });
    return 'new';
  }

  /** Forgets `id`, so that the hub's retry of a webhook whose handling failed is accepted. */
  release(id: string): void {
    this.#seen.delete(id);
  }

  /** Drops expired ids from the oldest end (cheap; later expired ones go when they reach the front). */
  #forgetExpired(nowSeconds: number): void {
    for (const [id, { until }] of this.#seen) {
      if (until >= nowSeconds) break;
      this.#seen.delete(id);
    }
  }
}
