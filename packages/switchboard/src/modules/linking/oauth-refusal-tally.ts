/**
 * Refusals of OAuth callbacks this instance decided without the database (callbacks that joined a
 * consumption already in flight for their state), counted in memory and written per state in one
 * statement. A burst of 500 replays of one state costs one write instead of 500, and none of those
 * callbacks waits for it: the refusal is already decided, only its count is pending.
 *
 * A write is started on the next turn of the event loop after a refusal is added, so that a burst settled
 * in one turn is written once. `flush` writes everything pending and waits for writes in progress; the
 * statistics and shutdown call it. A failed write puts its counts back; the next refusal or `flush`
 * retries them, and `flush` rejects with the error.
 */

type Counts = { replayed: number; expired: number };

export type RefusalWriter = (stateHash: string, counts: Counts) => Promise<void>;

export class OAuthRefusalTally {
  readonly #write: RefusalWriter;
  #pending = new Map<string, Counts>();
  #scheduled = false;
  /** The write in progress; writes run one at a time. */
  #writing: Promise<void> = Promise.resolve();

  constructor(write: RefusalWriter) {
    this.#write = write;
  }

  /** Refusals not yet written, over all states. */
  get pending(): number {
    let total = 0;
    for (const counts of this.#pending.values()) total += counts.replayed + counts.expired;
    return total;
  }

  add(stateHash: string, kind: 'replayed' | 'expired'): void {
    this.#addCounts(stateHash, kind === 'replayed' ? { replayed: 1, expired: 0 } : { replayed: 0, expired: 1 });
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      // A failed background write keeps its counts for the next attempt; `flush` reports the error.
      this.flush().catch(() => undefined);
    });
  }

  /** Writes every pending count; resolves once they are in the database. */
  flush(): Promise<void> {
    const run = this.#writing.catch(() => undefined).then(() => this.#writeAll());
    this.#writing = run;
    return run;
  }

  async #writeAll(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    let failure: unknown;
    for (const [stateHash, counts] of batch) {
      if (failure !== undefined) {
        this.#addCounts(stateHash, counts);
        continue;
      }
      try {
        await this.#write(stateHash, counts);
      } catch (error) {
        failure = error;
        this.#addCounts(stateHash, counts);
      }
    }
    if (failure !== undefined) throw failure;
  }

  #addCounts(stateHash: string, counts: Counts): void {
    const current = this.#pending.get(stateHash);
    if (current) {
      current.replayed += counts.replayed;
      current.expired += counts.expired;
    } else {
      this.#pending.set(stateHash, { ...counts });
    }
  }
}
