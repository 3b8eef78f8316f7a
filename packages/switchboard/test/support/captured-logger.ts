/** A real pino logger whose lines are kept as objects, so tests can find what was logged. */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logging/logger.ts';

export type LogLine = { level: string; msg: string; reference?: string; err?: { message: string; type: string }; [key: string]: unknown };

export function capturedLogger(level = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}
