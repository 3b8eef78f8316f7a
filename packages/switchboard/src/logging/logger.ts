/**
 * JSON logs with pino. Anything that may carry a credential is redacted by path, so that a token
 * pasted into a header or a body never reaches the log.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.secret',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.discordToken',
  '*.databaseUrl',
  '*.redisUrl',
  'token',
  'secret',
];

export function createLogger(options: { level: string; instanceId?: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'switchboard', ...(options.instanceId ? { instance: options.instanceId } : {}) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}

export type { Logger };
