/**
 * Retries a database write while the database is unreachable (a restart, a failover), so that what only
 * exists in memory — a gateway event on its way into the outbox — is not dropped at the first failed
 * attempt. Delays grow from `firstDelayMs` to `maxDelayMs`; after `windowMs`, or once `signal` is aborted
 * (the hub is stopping), the last error is thrown to the caller as before.
 */
export type RetryWhileUnavailableOptions = {
  /** How long to keep trying, from the first failure (default 5 minutes). */
  windowMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Told of each failed attempt that will be retried. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  now?: () => number;
};

export async function retryWhileUnavailable<T>(write: () => Promise<T>, options: RetryWhileUnavailableOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let delayMs = options.firstDelayMs ?? 100;
  let giveUpAt: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      giveUpAt ??= now() + windowMs;
      if (options.signal?.aborted || now() + delayMs > giveUpAt) throw error;
      options.onRetry?.(error, attempt, delayMs);
      // Unreferenced: a write still waiting must not keep a stopping process alive.
      await new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
      delayMs = Math.min(maxDelayMs, delayMs * 2);
    }
  }
}
