/**
 * The process configuration, read from the environment once at start. Every variable is declared here
 * with its default, an example and whether it is secret; `.env.example` and docs/configuration.md are
 * kept in step with this table by a test. Parsing collects every problem at once so that a user fixes
 * their configuration in one round, and a secret's value is never echoed back.
 */
import os from 'node:os';
import { z } from 'zod';
import { parseEncryptionKeys, type EncryptionKey } from '../security/secret-box.ts';

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
  DISCORD_API_URL: {
    description: "Discord's REST API base. Change it only to point Switchboard at a simulator (the sandbox does).",
    example: 'http://127.0.0.1:3001/api',
    default: 'https://discord.com/api',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL'),
  },
  DISCORD_DEV_GUILD_ID: {
    description: 'Register slash commands in this one guild instead of globally (instant updates while developing).',
    example: '123456789012345678',
    schema: z.string().regex(/^\d{17,20}$/, 'must be a guild id (17–20 digits)').optional(),
  },
  SHARD_COUNT: {
    description: "How many shards the bot runs in all. Defaults to Discord's recommendation.",
    example: '4',
    schema: integer(1, 100_000).optional(),
  },
  SHARD_IDS: {
    description: 'Which shards this instance runs: a list (0,1) or a range (0-3). Defaults to all of them.',
    example: '0-1',
    schema: z
      .string()
      .regex(/^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/, 'must be a list like 0,1,2 or a range like 0-3')
      .optional(),
  },
  GATEWAY_RECONNECT_BASE_MS: {
    description: 'The first reconnect delay bound; it doubles with each consecutive failure (full jitter).',
    example: '5000',
    default: '5000',
    schema: integer(10, 3_600_000),
  },
  GATEWAY_RECONNECT_CAP_MS: {
    description: 'The largest reconnect delay.',
    example: '300000',
    default: '300000',
    schema: integer(10, 86_400_000),
  },
  GATEWAY_MAX_FAILURES: {
    description: 'Consecutive failed connections after which the bot gives up and reports failed.',
    example: '10',
    default: '10',
    schema: integer(1, 1000),
  },
  HEALTH_CHECK_INTERVAL_MS: {
    description: 'How often the health monitor checks each shard; three failed checks in a row restart it.',
    example: '30000',
    default: '30000',
    schema: integer(10, 3_600_000),
  },
  HEALTH_MAX_LATENCY_MS: {
    description: 'A heartbeat latency above this counts as a failed health check.',
    example: '5000',
    default: '5000',
    schema: integer(10, 600_000),
  },
  USER_RATE_LIMIT_BURST: {
    description: 'Commands, button clicks and relayed messages one user may send in a burst.',
    example: '5',
    default: '5',
    schema: integer(1, 10_000),
  },
  USER_RATE_LIMIT_PER_MINUTE: {
    description: 'How fast that burst refills, per minute.',
    example: '20',
    default: '20',
    schema: integer(1, 100_000),
  },
  APP_CALLBACKS_ALLOW_LOOPBACK: {
    description: 'Let apps register callback URLs on this machine (127.0.0.1, ::1). For development and the sandbox.',
    example: 'true',
    default: 'false',
    schema: booleanFlag,
  },
  APP_CALLBACKS_ALLOW_PRIVATE: {
    description: 'Let apps register callback URLs in private networks (10/8, 172.16/12, 192.168/16, fc00::/7), as in a compose deployment. Link-local and cloud metadata addresses are always refused.',
    example: 'true',
    default: 'false',
    schema: booleanFlag,
  },
  WEBHOOK_RETRY_SCALE: {
    description: 'Multiplies the webhook retry schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). Only tests shrink it.',
    example: '0.001',
    default: '1',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number above 0 and at most 1')
      .transform(Number)
      .pipe(z.number().gt(0, 'must be above 0').max(1, 'must be at most 1')),
  },
  WEBHOOK_CONCURRENCY: {
    description: 'Webhook deliveries in flight at once on one hub instance.',
    example: '128',
    default: '128',
    schema: integer(1, 1_000),
  },
  WEBHOOK_PER_APP_CONCURRENCY: {
    description: "Webhook deliveries of one app in flight at once, on all instances together, so that one slow app cannot take every slot. Above WEBHOOK_CONCURRENCY it changes nothing.",
    example: '64',
    default: '64',
    schema: integer(1, 1_000),
  },
  TICKET_INACTIVE_WARN_HOURS: {
    description: 'A ticket with no message for this long gets a warning that it will close.',
    example: '48',
    default: '48',
    schema: integer(1, 24 * 365),
  },
  TICKET_INACTIVE_CLOSE_HOURS: {
    description: 'A ticket with no message for this long is closed (after the warning).',
    example: '72',
    default: '72',
    schema: integer(1, 24 * 365),
  },
  TICKET_THREAD_RETENTION_DAYS: {
    description: "Closed tickets' threads older than this are deleted from Discord; the tickets and transcripts stay.",
    example: '30',
    default: '30',
    schema: integer(1, 3650),
  },
  ATTENDANCE_SCHEDULED_EVENTS: {
    description: 'Mirror attendance sessions as Discord scheduled events (the bot then needs Manage Events).',
    example: 'true',
    default: 'false',
    schema: booleanFlag,
  },
  ATTENDANCE_REMINDER_CHECK_MS: {
    description: 'How often due attendance reminders are looked for (a reminder goes out at most this late).',
    example: '30000',
    default: '30000',
    schema: integer(100, 3_600_000),
  },
  TWITCH_CLIENT_ID: {
    description: 'Twitch application client id (dev.twitch.tv → Your Console → Applications), for /link twitch and Twitch go-live notifications.',
    example: 'wbmytr93xzw8zbg0p1izqyzzc5mbiz',
    schema: z.string().regex(/^[\w-]{1,100}$/, 'must be the client id shown in the Twitch console').optional(),
  },
  TWITCH_CLIENT_SECRET: {
    description: 'The secret of that Twitch application.',
    example: 'nyo51xcdrerl8z9m56w9w6wg0ivy7m',
    secret: true,
    schema: z.string().min(8, 'is too short to be a client secret').optional(),
  },
  GOOGLE_CLIENT_ID: {
    description: 'Google OAuth client id (Google Cloud console → Credentials), for /link youtube.',
    example: '1234567890-abc123def456.apps.googleusercontent.com',
    schema: z.string().min(8, 'is too short to be a client id').optional(),
  },
  GOOGLE_CLIENT_SECRET: {
    description: 'The secret of that Google OAuth client.',
    example: 'GOCSPX-abcdefghijklmnopqrstuvwxyz12',
    secret: true,
    schema: z.string().min(8, 'is too short to be a client secret').optional(),
  },
  KICK_CLIENT_ID: {
    description: 'Kick application client id (kick.com → Settings → Developer), for /link kick and Kick go-live notifications.',
    example: '01JABCDEF0123456789ABCDEFG',
    schema: z.string().min(4, 'is too short to be a client id').optional(),
  },
  KICK_CLIENT_SECRET: {
    description: 'The secret of that Kick application.',
    example: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2',
    secret: true,
    schema: z.string().min(8, 'is too short to be a client secret').optional(),
  },
  DISCORD_CLIENT_ID: {
    description: "The Discord application's OAuth2 client id (Developer Portal → OAuth2), for the dashboard's Sign in with Discord and /link discord.",
    example: '1098765432109876543',
    schema: z.string().regex(/^\d{17,20}$/, 'must be the application id (17–20 digits)').optional(),
  },
  DISCORD_CLIENT_SECRET: {
    description: "The Discord application's OAuth2 client secret.",
    example: 'abcdefghijklmnopqrstuvwxyz012345',
    secret: true,
    schema: z.string().min(8, 'is too short to be a client secret').optional(),
  },
  TWITCH_OAUTH_URL: {
    description: "Serve Twitch's OAuth endpoints from this base instead (<base>/authorize, /token, /revoke, /userinfo, /validate): a test server or a proxy.",
    example: 'http://127.0.0.1:8080',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL').optional(),
  },
  GOOGLE_OAUTH_URL: {
    description: "Serve Google's OAuth endpoints from this base instead (<base>/authorize, /token, /revoke, /userinfo).",
    example: 'http://127.0.0.1:8080',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL').optional(),
  },
  KICK_OAUTH_URL: {
    description: "Serve Kick's OAuth endpoints from this base instead (<base>/authorize, /token, /revoke, /userinfo).",
    example: 'http://127.0.0.1:8080',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL').optional(),
  },
  DISCORD_OAUTH_URL: {
    description: "Serve Discord's OAuth endpoints from this base instead (<base>/authorize, /token, /revoke, /userinfo).",
    example: 'http://127.0.0.1:8080',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL').optional(),
  },
  OAUTH_SESSION_TTL_MINUTES: {
    description: 'How long a member has to finish an account link at the provider before its OAuth session expires.',
    example: '10',
    default: '10',
    schema: integer(1, 60),
  },
  TWITCH_API_URL: {
    description: "Twitch's Helix API base (streams, users, EventSub subscriptions).",
    example: 'https://api.twitch.tv/helix',
    default: 'https://api.twitch.tv/helix',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL'),
  },
  KICK_API_URL: {
    description: "Kick's public API base (channels, livestreams, event subscriptions, its webhook public key).",
    example: 'https://api.kick.com/public/v1',
    default: 'https://api.kick.com/public/v1',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL'),
  },
  KICK_PUBLIC_KEY: {
    description: "Kick's webhook signing key (PEM). When unset it is fetched from KICK_API_URL/public-key.",
    example: '-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkq…\\n-----END PUBLIC KEY-----',
    schema: z.string().refine((value) => value.replaceAll('\\n', '\n').includes('PUBLIC KEY-----'), 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)').optional(),
  },
  YOUTUBE_API_URL: {
    description: 'The YouTube Data API base (channels, videos, live searches).',
    example: 'https://www.googleapis.com/youtube/v3',
    default: 'https://www.googleapis.com/youtube/v3',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL'),
  },
  YOUTUBE_API_KEY: {
    description: 'A YouTube Data API key (Google Cloud console → Credentials), for YouTube go-live notifications.',
    example: 'AIzaSyA-0123456789abcdefghijklmnopqrstu',
    secret: true,
    schema: z.string().min(8, 'is too short to be an API key').optional(),
  },
  YOUTUBE_WEBSUB_HUB_URL: {
    description: "The WebSub hub YouTube publishes channel feeds through.",
    example: 'https://pubsubhubbub.appspot.com/subscribe',
    default: 'https://pubsubhubbub.appspot.com/subscribe',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL'),
  },
  STREAM_DELIVERY: {
    description:
      'How go-live notifications learn that a stream started: `webhooks` (Twitch EventSub, Kick webhooks, YouTube WebSub; PUBLIC_URL must be reachable from the internet over https), ' +
      '`polling` (asks every STREAM_POLL_INTERVAL_MS), or `auto` (webhooks when PUBLIC_URL is https, polling otherwise).',
    example: 'polling',
    default: 'auto',
    schema: oneOf(['auto', 'webhooks', 'polling']),
  },
  STREAM_POLL_INTERVAL_MS: {
    description: 'How often streams are polled when polling (and how often an announced stream is checked for its end).',
    example: '60000',
    default: '60000',
    schema: integer(100, 3_600_000),
  },
  KALTURA_SERVICE_URL: {
    description: "Kaltura's API base (the REST API v3 lives under it at /api_v3).",
    example: 'https://www.kaltura.com',
    default: 'https://www.kaltura.com',
    schema: url(['http:', 'https:'], 'an http:// or https:// URL'),
  },
  KALTURA_PARTNER_ID: {
    description: 'Your Kaltura partner id (KMC → Settings → Integration Settings). With KALTURA_ADMIN_SECRET it turns on the meetings module.',
    example: '1234567',
    schema: integer(1, 2_147_483_647).optional(),
  },
  KALTURA_ADMIN_SECRET: {
    description: 'The partner\'s administrator secret (same page). Kaltura sessions are made from it locally; it never leaves this machine.',
    example: '0123456789abcdef0123456789abcdef',
    secret: true,
    schema: z.string().min(16, 'is too short to be a Kaltura admin secret').optional(),
  },
  KALTURA_JOIN_URL: {
    description: 'Where a member is sent to enter a meeting room, with {ks} (their Kaltura session) and optionally {partnerId} and {resourceId} filled in.',
    example: 'https://1234567.kaf.kaltura.com/virtualEvent/launch?ks={ks}',
    default: 'https://{partnerId}.kaf.kaltura.com/virtualEvent/launch?ks={ks}',
    schema: z.string().refine((value) => value.includes('{ks}'), 'must contain {ks}').refine((value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value.replaceAll(/\{(ks|partnerId|resourceId)\}/g, '0')).protocol);
      } catch {
        return false;
      }
    }, 'must be an http:// or https:// URL once {ks}, {partnerId} and {resourceId} are filled in'),
  },
  DASHBOARD_DIR: {
    description: 'Where the built dashboard is served from. By default the `packages/dashboard/dist` folder next to the hub (made by `npm run build:dashboard`).',
    example: '/srv/switchboard/dashboard',
    schema: z.string().min(1, 'must not be empty').optional(),
  },
  GUILD_CONFIG_DIR: {
    description: 'Where per-guild override files live (`<guild id>.json`), for teams that keep guild settings in git. A missing folder means no files.',
    example: './config/overrides',
    default: './config/overrides',
    schema: z.string().min(1, 'must not be empty'),
  },
  APP_INACTIVE_DAYS: {
    description: 'Apps that send no heartbeat for this many days are unregistered.',
    example: '30',
    default: '30',
    schema: integer(1, 3650),
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
  ENCRYPTION_KEYS: {
    description:
      'Keys for secrets at rest (AES-256-GCM), as id:base64 pairs separated by commas; the first encrypts, all decrypt. ' +
      'Required with PostgreSQL; with SQLite a key file next to the database is created when unset.',
    example: '2026-11:q0v3JYc8wq8qJm1t4rPj1m3x0kq7m8oX2sV5u0hV2zA=',
    secret: true,
    schema: z
      .string()
      .refine((value) => {
        try {
          parseEncryptionKeys(value);
          return true;
        } catch {
          return false;
        }
      }, 'must be id:base64 pairs separated by commas, each key 32 bytes (openssl rand -base64 32), ids unique')
      .optional(),
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
  REDIS_KEY_PREFIX: {
    description: 'Prepended to every Redis key (shard leases, gateway sessions, rate limits), so that several hubs can share one Redis. All instances of one hub use the same.',
    example: 'switchboard-prod:',
    default: 'switchboard:',
    schema: z.string().regex(/^[\w.:-]{1,64}$/, 'must be 1–64 letters, digits, dots, colons, dashes or underscores'),
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
  redisKeyPrefix: string;
  instanceId: string;
  apiRateLimitPerMinute: number;
  ipRateLimitPerMinute: number;
  trustProxy: boolean;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  jobTickMs: number;
  discordApiUrl: string;
  discordDevGuildId: string | undefined;
  shardCount: number | undefined;
  shardIds: number[] | undefined;
  reconnectBaseMs: number;
  reconnectCapMs: number;
  maxConsecutiveFailures: number;
  healthCheckIntervalMs: number;
  healthMaxLatencyMs: number;
  userRateLimit: { burst: number; perMinute: number };
  encryptionKeys: EncryptionKey[] | undefined;
  appCallbacks: { allowLoopback: boolean; allowPrivate: boolean };
  appInactiveDays: number;
  webhookRetryScale: number;
  /** Webhook deliveries in flight: on this instance, and of one app on all instances. */
  webhookConcurrency: { perInstance: number; perApp: number };
  tickets: { warnAfterMs: number; closeAfterMs: number; threadRetentionMs: number };
  attendanceScheduledEvents: boolean;
  attendanceReminderCheckMs: number;
  linking: LinkingConfig;
  streams: StreamsConfig;
  guildConfigDir: string;
  /** Where the built dashboard is; unset: packages/dashboard/dist. */
  dashboardDir: string | undefined;
  /** Set when KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET are; meetings are off otherwise. */
  kaltura: KalturaConfig | undefined;
};

export type KalturaConfig = { serviceUrl: string; partnerId: number; adminSecret: string; joinUrl: string };

export type LinkPlatform = 'twitch' | 'youtube' | 'kick' | 'discord';

export type OAuthClientConfig = { clientId: string; clientSecret: string; baseUrl: string | undefined };

export type LinkingConfig = {
  /** The providers with a client id and secret; the others cannot be linked. */
  providers: Partial<Record<LinkPlatform, OAuthClientConfig>>;
  sessionTtlMs: number;
};

export type StreamsConfig = {
  delivery: 'webhooks' | 'polling';
  pollIntervalMs: number;
  twitchApiUrl: string;
  kickApiUrl: string;
  kickPublicKey: string | undefined;
  youtubeApiUrl: string;
  youtubeApiKey: string | undefined;
  youtubeWebSubHubUrl: string;
};

/** Each provider's variables: a client id and secret come as a pair. */
export const OAUTH_CLIENT_VARIABLES: Readonly<Record<LinkPlatform, { id: string; secret: string; base: string }>> = {
  twitch: { id: 'TWITCH_CLIENT_ID', secret: 'TWITCH_CLIENT_SECRET', base: 'TWITCH_OAUTH_URL' },
  youtube: { id: 'GOOGLE_CLIENT_ID', secret: 'GOOGLE_CLIENT_SECRET', base: 'GOOGLE_OAUTH_URL' },
  kick: { id: 'KICK_CLIENT_ID', secret: 'KICK_CLIENT_SECRET', base: 'KICK_OAUTH_URL' },
  discord: { id: 'DISCORD_CLIENT_ID', secret: 'DISCORD_CLIENT_SECRET', base: 'DISCORD_OAUTH_URL' },
};

/** "0,2,4-6" → [0, 2, 4, 5, 6]. */
export function parseShardIds(text: string): number[] {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to] = part.split('-').map((n) => Number(n.trim()));
    for (let id = from!; id <= (to ?? from!); id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

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
  const shardIds = values.SHARD_IDS === undefined ? undefined : parseShardIds(values.SHARD_IDS as string);
  const shardCount = values.SHARD_COUNT as number | undefined;
  if (shardIds && shardCount !== undefined && shardIds.some((id) => id >= shardCount)) {
    problems.push({ variable: 'SHARD_IDS', problem: `every shard id must be below SHARD_COUNT (${shardCount})`, example: 'SHARD_IDS=0-1' });
  }
  if (shardIds && shardCount === undefined) {
    problems.push({ variable: 'SHARD_IDS', problem: 'needs SHARD_COUNT, so that every instance agrees on the total', example: 'SHARD_COUNT=4' });
  }
  if ((values.GATEWAY_RECONNECT_CAP_MS as number) < (values.GATEWAY_RECONNECT_BASE_MS as number)) {
    problems.push({ variable: 'GATEWAY_RECONNECT_CAP_MS', problem: 'must not be below GATEWAY_RECONNECT_BASE_MS', example: 'GATEWAY_RECONNECT_CAP_MS=300000' });
  }
  // Cross-variable rules apply only to variables that parsed; a broken one is already reported.
  if (values.ENCRYPTION_KEYS === undefined && typeof values.DATABASE_URL === 'string' && !values.DATABASE_URL.startsWith('sqlite:')) {
    problems.push({
      variable: 'ENCRYPTION_KEYS',
      problem: 'is required with PostgreSQL, so that every instance decrypts with the same keys',
      example: `ENCRYPTION_KEYS=${(environmentVariables.ENCRYPTION_KEYS as EnvironmentVariable).example}`,
    });
  }
  if ((values.TICKET_INACTIVE_CLOSE_HOURS as number) <= (values.TICKET_INACTIVE_WARN_HOURS as number)) {
    problems.push({ variable: 'TICKET_INACTIVE_CLOSE_HOURS', problem: 'must be more than TICKET_INACTIVE_WARN_HOURS, so that the warning comes first', example: 'TICKET_INACTIVE_CLOSE_HOURS=72' });
  }
  const oauthProviders: Partial<Record<LinkPlatform, OAuthClientConfig>> = {};
  for (const [platform, names] of Object.entries(OAUTH_CLIENT_VARIABLES) as [LinkPlatform, { id: string; secret: string; base: string }][]) {
    const clientId = values[names.id] as string | undefined;
    const clientSecret = values[names.secret] as string | undefined;
    if (clientId !== undefined && clientSecret !== undefined) {
      oauthProviders[platform] = { clientId, clientSecret, baseUrl: values[names.base] as string | undefined };
    } else if (clientId !== undefined && env[names.secret] === undefined) {
      problems.push({ variable: names.secret, problem: `is needed with ${names.id}: a client id and its secret come as a pair`, example: `${names.secret}=…` });
    } else if (clientSecret !== undefined && env[names.id] === undefined) {
      problems.push({ variable: names.id, problem: `is needed with ${names.secret}: a client id and its secret come as a pair`, example: `${names.id}=${(environmentVariables as Record<string, EnvironmentVariable>)[names.id]!.example}` });
    }
  }
  const partnerId = values.KALTURA_PARTNER_ID as number | undefined;
  const adminSecret = values.KALTURA_ADMIN_SECRET as string | undefined;
  if (partnerId !== undefined && adminSecret === undefined && env.KALTURA_ADMIN_SECRET === undefined) {
    problems.push({ variable: 'KALTURA_ADMIN_SECRET', problem: 'is needed with KALTURA_PARTNER_ID to run meetings', example: 'KALTURA_ADMIN_SECRET=…' });
  }
  if (adminSecret !== undefined && partnerId === undefined && env.KALTURA_PARTNER_ID === undefined) {
    problems.push({ variable: 'KALTURA_PARTNER_ID', problem: 'is needed with KALTURA_ADMIN_SECRET to run meetings', example: 'KALTURA_PARTNER_ID=1234567' });
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
      redisKeyPrefix: values.REDIS_KEY_PREFIX as string,
      instanceId: (values.INSTANCE_ID as string | undefined) ?? `${os.hostname()}-${process.pid}`,
      apiRateLimitPerMinute: values.API_RATE_LIMIT_PER_MINUTE as number,
      ipRateLimitPerMinute: values.IP_RATE_LIMIT_PER_MINUTE as number,
      trustProxy: values.TRUST_PROXY as boolean,
      bodyLimitBytes: values.HTTP_BODY_LIMIT_BYTES as number,
      shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS as number,
      jobTickMs: values.JOB_TICK_MS as number,
      discordApiUrl: (values.DISCORD_API_URL as string).replace(/\/+$/, ''),
      discordDevGuildId: values.DISCORD_DEV_GUILD_ID as string | undefined,
      shardCount,
      shardIds,
      reconnectBaseMs: values.GATEWAY_RECONNECT_BASE_MS as number,
      reconnectCapMs: values.GATEWAY_RECONNECT_CAP_MS as number,
      maxConsecutiveFailures: values.GATEWAY_MAX_FAILURES as number,
      healthCheckIntervalMs: values.HEALTH_CHECK_INTERVAL_MS as number,
      healthMaxLatencyMs: values.HEALTH_MAX_LATENCY_MS as number,
      appCallbacks: { allowLoopback: values.APP_CALLBACKS_ALLOW_LOOPBACK as boolean, allowPrivate: values.APP_CALLBACKS_ALLOW_PRIVATE as boolean },
      appInactiveDays: values.APP_INACTIVE_DAYS as number,
      webhookRetryScale: values.WEBHOOK_RETRY_SCALE as number,
      webhookConcurrency: { perInstance: values.WEBHOOK_CONCURRENCY as number, perApp: values.WEBHOOK_PER_APP_CONCURRENCY as number },
      attendanceScheduledEvents: values.ATTENDANCE_SCHEDULED_EVENTS as boolean,
      attendanceReminderCheckMs: values.ATTENDANCE_REMINDER_CHECK_MS as number,
      tickets: {
        warnAfterMs: (values.TICKET_INACTIVE_WARN_HOURS as number) * 3_600_000,
        closeAfterMs: (values.TICKET_INACTIVE_CLOSE_HOURS as number) * 3_600_000,
        threadRetentionMs: (values.TICKET_THREAD_RETENTION_DAYS as number) * 86_400_000,
      },
      guildConfigDir: values.GUILD_CONFIG_DIR as string,
      dashboardDir: values.DASHBOARD_DIR as string | undefined,
      kaltura:
        partnerId !== undefined && adminSecret !== undefined
          ? { serviceUrl: (values.KALTURA_SERVICE_URL as string).replace(/\/+$/, ''), partnerId, adminSecret, joinUrl: values.KALTURA_JOIN_URL as string }
          : undefined,
      linking: { providers: oauthProviders, sessionTtlMs: (values.OAUTH_SESSION_TTL_MINUTES as number) * 60_000 },
      streams: {
        delivery: streamDelivery(values.STREAM_DELIVERY as 'auto' | 'webhooks' | 'polling', (values.PUBLIC_URL as string | undefined) ?? `http://localhost:${port}`),
        pollIntervalMs: values.STREAM_POLL_INTERVAL_MS as number,
        twitchApiUrl: (values.TWITCH_API_URL as string).replace(/\/+$/, ''),
        kickApiUrl: (values.KICK_API_URL as string).replace(/\/+$/, ''),
        kickPublicKey: (values.KICK_PUBLIC_KEY as string | undefined)?.replaceAll('\\n', '\n'),
        youtubeApiUrl: (values.YOUTUBE_API_URL as string).replace(/\/+$/, ''),
        youtubeApiKey: values.YOUTUBE_API_KEY as string | undefined,
        youtubeWebSubHubUrl: values.YOUTUBE_WEBSUB_HUB_URL as string,
      },
      encryptionKeys: values.ENCRYPTION_KEYS === undefined ? undefined : parseEncryptionKeys(values.ENCRYPTION_KEYS as string),
      userRateLimit: { burst: values.USER_RATE_LIMIT_BURST as number, perMinute: values.USER_RATE_LIMIT_PER_MINUTE as number },
    },
  };
}

/** `auto` receives webhooks only where providers can reach the hub: at an https public address. */
function streamDelivery(setting: 'auto' | 'webhooks' | 'polling', publicUrl: string): 'webhooks' | 'polling' {
  if (setting !== 'auto') return setting;
  return new URL(publicUrl).protocol === 'https:' ? 'webhooks' : 'polling';
}

/** The problems as lines a person can act on, one per variable. */
export function formatConfigProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.variable}: ${p.problem}\n      example: ${p.example}`);
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `The configuration has ${problems.length} ${noun}:\n${lines.join('\n')}\n`;
}
