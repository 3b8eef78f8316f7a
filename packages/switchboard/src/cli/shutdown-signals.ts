/**
 * Graceful shutdown on SIGINT/SIGTERM: the first signal stops the hub within the timeout and resolves
 * with the exit code; a second signal exits at once.
 */
import type { Logger } from 'pino';
import { EXIT_FAILURE, EXIT_OK } from './cli-error.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function onShutdownSignals(options: {
  stop: () => Promise<void>;
  timeoutMs: number;
  logger: Logger;
  exitNow?: (code: number) => never;
}): Promise<number> {
  const exitNow = options.exitNow ?? ((code: number) => process.exit(code));
  return new Promise((resolve) => {
    let received: string | undefined;
    const handler = (signal: string) => {
      if (received) {
        options.logger.warn({ signal }, 'second signal: exiting at once');
        exitNow(130);
      }
      received = signal;
      options.logger.info({ signal, timeoutMs: options.timeoutMs }, 'signal received: shutting down gracefully');
      const timer = setTimeout(() => {
        options.logger.error({ timeoutMs: options.timeoutMs }, 'graceful shutdown took too long: exiting');
        resolve(EXIT_FAILURE);
      }, options.timeoutMs);
      timer.unref();
      options.stop().then(
        () => {
          clearTimeout(timer);
          resolve(EXIT_OK);
        },
        (error: unknown) => {
          clearTimeout(timer);
          options.logger.error({ err: error }, 'shutdown failed');
          resolve(EXIT_FAILURE);
        },
      );
    };
    // A second signal must still reach the handler after the first, so the listeners stay until the exit.
    for (const signal of SIGNALS) process.on(signal, handler);
  });
}
