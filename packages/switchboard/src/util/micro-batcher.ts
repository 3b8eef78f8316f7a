/**
 * Group commit: items that arrive close together are written by one call of `flush`, so that a thousand
 * small writes a second become a few dozen transactions instead of a thousand. Each caller still waits
 * for its own item: `add` resolves only once the batch holding it has been written, so nothing is
 * reported done before it is committed.
 *
 * One flush runs at a time. The first item waits at most `maxWaitMs` (default: the next turn of the event
 * loop, which gathers everything a burst delivered in one read); items that arrive while a flush runs wait
 * for it and go together in the next one, so batches grow with the load and stay single items when the
 * load is light. A batch never holds more than `maxItems`.
 */
export type MicroBatcherOptions<T, R> = {
  /** Writes the items; resolves with one result per item, in order. A rejection rejects every item of the batch. */
  flush: (items: T[]) => Promise<R[]>;
  /** At most this many items per flush (default 500). */
  maxItems?: number;
  /** How long the first item waits for others while nothing is being flushed (default 0: the next turn of the event loop). */
  maxWaitMs?: number;
};

type Waiting<T, R> = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };

export class MicroBatcher<T, R> {
  readonly #flush: (items: T[]) => Promise<R[]>;
  readonly #maxItems: number;
  readonly #maxWaitMs: number;
  #queue: Waiting<T, R>[] = [];
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(options: MicroBatcherOptions<T, R>) {
    const maxItems = options.maxItems ?? 500;
    const maxWaitMs = options.maxWaitMs ?? 0;
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new RangeError(`maxItems must be a whole number of at least 1 (got ${maxItems})`);
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new RangeError(`maxWaitMs must be 0 or more (got ${maxWaitMs})`);
    this.#flush = options.flush;
    this.#maxItems = maxItems;
    this.#maxWaitMs = maxWaitMs;
  }

  /** Items waiting for a flush (not counting the batch being written). */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Queues an item; resolves with its result once its batch is written. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#flushing) return; // the running flush starts the next batch when it ends
      if (this.#queue.length >= this.#maxItems) this.#startNow();
      else this.#timer ??= this.#maxWaitMs === 0 ? setImmediate(() => this.#startNow()) : setTimeout(() => this.#startNow(), this.#maxWaitMs);
    });
  }

  /** Resolves once every item added so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.#flushing || this.#queue.length > 0) {
      if (!this.#flushing) this.#startNow();
      await this.#flushing;
    }
  }

  #startNow(): void {
    if (this.#timer) {
      clearTimeout(this.#timer as NodeJS.Timeout);
      clearImmediate(this.#timer as NodeJS.Immediate);
      this.#timer = undefined;
    }
    if (this.#flushing || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#maxItems);
    this.#flushing = this.#run(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#queue.length > 0) this.#startNow();
    });
  }

  async #run(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.#flush(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} was flushed with ${results.length} results`);
      batch.forEach((waiting, index) => waiting.resolve(results[index] as R));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
