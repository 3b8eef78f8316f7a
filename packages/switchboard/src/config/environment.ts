/**
 * The process configuration, read from the environment once at start. Every variable is declared here
 * with its default, an example and whether it is secret; `.env.example` and docs/configuration.md are
 * kept in step with this table by a test. Parsing collects every problem at once so that a user fixes
 * their configuration in one round, and a secret's value is never echoed back.
 */
import os from 'node:os';
import { z } from 'zod';

export type EnvironmentVariable = {
  description: string;
  example: string;
  default?: string;
  secret?: boolean;
  /** Parses the raw string (already defaulted); issues carry a human sentence as their message. */
  schema: z.ZodType;
};

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const url = (protocols: string[], what: string) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be ${what}`);

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

export const environmentVariables = {
  DISCORD_TOKEN: {
    description: 'The bot token from the Discord Developer Portal (Bot → Reset Token). Required by `switchboard start`.',
    example: 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gabcde.0123456789abcdefghijklmnopqrstuvwxyzAB',
    secret: true,
    schema: z.string().min(50, 'does not look like a Discord bot token (too short)').regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'does not look like a Discord bot token (three dot-separated parts)').optional(),
  },
  DATABASE_URL: {
    description: 'Where Switchboard keeps its data: `sqlite:<path>` for the embedded database, or a `postgres://` URL.',
    example: 'postgres://switchboard:secret@db:5432/switchboard',
    default: 'sqlite:./data/switchboard.db',
    secret: true,
    schema: z.string().refine(
      (value) => /^sqlite:.+/.test(value) || /^postgres(ql)?:\/\/.+/.test(value),
      'must start with sqlite: (followed by a file path) or postgres://',
    ),
  },
  HOST: {
    description: 'The address the HTTP server listens on. Use 0.0.0.0 in a container.',
    example: '0.0.0.0',
    default: '127.0.0.1',
    schema: z.string().min(1, 'must not be empty'),
  },
  PORT: {
    description: 'The HTTP port for the API, health endpoints and dashboard.',
    example: '3000',
    default: '3000',
    schema: integer(1, 65535),
  },
  PUBLIC_URL: {
    description: 'The address people and providers reach this hub at (links, OAuth callbacks). Defaults to http://localhost:PORT.',
    example: 'https://switchboard.example.com',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL').optional(),
  },
  LOG_LEVEL: {
    description: 'How much to log (JSON lines on standard output).',
    example: 'debug',
    default: 'info',
    schema: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  REDIS_URL: {
    description: 'Redis for coordination when several instances run (shared rate limits, cache invalidation). Optional on one machine.',
    example: 'redis://127.0.0.1:6379',
    secret: true,
    schema: url(['redis:', 'rediss:'], 'a redis:// or rediss:// URL').optional(),
  },
  INSTANCE_ID: {
    description: 'A name for this instance in logs, job runs and leases. Defaults to hostname-pid.',
    example: 'switchboard-1',
    schema: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores').optional(),
  },
  API_RATE_LIMIT_PER_MINUTE: {
    description: 'Requests per minute allowed for one API token.',
    example: '600',
    default: '600',
    schema: integer(1, 1_000_000),
  },
  IP_RATE_LIMIT_PER_MINUTE: {
    description: 'Requests per minute allowed from one IP address, authenticated or not.',
    example: '1200',
    default: '1200',
    schema: integer(1, 1_000_000),
  },
  TRUST_PROXY: {
    description: 'Whether to take the client address from X-Forwarded-For (set true behind a reverse proxy).',
    example: 'true',
    default: 'false',
    schema: booleanFlag,
  },
  HTTP_BODY_LIMIT_BYTES: {
    description: 'The largest request body accepted; larger ones get 413.',
    example: '1048576',
    default: '1048576',
    schema: integer(1024, 100 * 1024 * 1024),
  },
  SHUTDOWN_TIMEOUT_MS: {
    description: 'How long a graceful shutdown may take before the process exits anyway.',
    example: '10000',
    default: '10000',
    schema: integer(100, 600_000),
  },
  JOB_TICK_MS: {
    description: 'How often the job scheduler looks for due jobs.',
    example: '1000',
    default: '1000',
    schema: integer(10, 60_000),
  },
} satisfies Record<string, EnvironmentVariable>;

export type EnvironmentVariableName = keyof typeof environmentVariables;

export type Config = {
  discordToken: string | undefined;
  databaseUrl: string;
  host: string;
  port: number;
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  redisUrl: string | undefined;
  instanceId: string;
  apiRateLimitPerMinute: number;
  ipRateLimitPerMinute: number;
  trustProxy: boolean;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  jobTickMs: number;
};

export type ConfigProblem = { variable: string; problem: string; example: string };

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Parses the environment into a Config, or lists every problem found. Never throws. */
export function parseEnvironment(env: Record<string, string | undefined>): ConfigResult {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, spec] of Object.entries(environmentVariables) as [string, EnvironmentVariable][]) {
    const raw = env[name] === '' ? undefined : env[name];
    const result = spec.schema.safeParse(raw ?? spec.default);
    if (result.success) {
      values[name] = result.data;
      continue;
    }
    const shown = spec.secret || raw === undefined ? '' : ` (got ${JSON.stringify(raw)})`;
    const messages = [...new Set(result.error.issues.map((issue) => issue.message))];
    problems.push({ variable: name, problem: `${messages.join('; ')}${shown}`, example: `${name}=${spec.example}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const port = values.PORT as number;
  return {
    ok: true,
    config: {
      discordToken: values.DISCORD_TOKEN as string | undefined,
      databaseUrl: values.DATABASE_URL as string,
      host: values.HOST as string,
      port,
      publicUrl: ((values.PUBLIC_URL as string | undefined) ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      logLevel: values.LOG_LEVEL as Config['logLevel'],
      redisUrl: values.REDIS_URL as string | undefined,
      instanceId: (values.INSTANCE_ID as string | undefined) ?? `${os.hostname()}-${process.pid}`,
      apiRateLimitPerMinute: values.API_RATE_LIMIT_PER_MINUTE as number,
      ipRateLimitPerMinute: values.IP_RATE_LIMIT_PER_MINUTE as number,
      trustProxy: values.TRUST_PROXY as boolean,
      bodyLimitBytes: values.HTTP_BODY_LIMIT_BYTES as number,
      shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS as number,
      jobTickMs: values.JOB_TICK_MS as number,
    },
  };
}

/** The problems as lines a person can act on, one per variable. */
export function formatConfigProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.variable}: ${p.problem}\n      example: ${p.example}`);
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `The configuration has ${problems.length} ${noun}:\n${lines.join('\n')}\n`;
}
