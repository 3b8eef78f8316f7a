/** Clocks and waiting: elapsed milliseconds, sleeping, and polling until a condition holds (bounded in time). */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` and returns its result with the milliseconds it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

/** Polls until the condition holds; throws naming what was awaited once `timeoutMs` has passed. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, description: string, timeoutMs = 30_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
    await sleep(everyMs);
  }
}
