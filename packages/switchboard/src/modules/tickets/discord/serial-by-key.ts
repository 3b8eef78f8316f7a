/**
 * Runs tasks one after another per key, and tasks of different keys side by side. The channel manager
 * plans a guild's layout from a fresh channel list and then creates what is missing; two tickets opened at
 * once must not both see the channel missing and both create it.
 */
export class SerialByKey {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
