/**
 * Doctor checks for the runtime, configuration, data directory, database connection, Redis, guild
 * override files and the public URL. Migrations, keys and OAuth providers have files of their own.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { formatOverrideFileProblems, readOverrideFiles } from '../config/guild-config/override-files.ts';
import { parseEnvironment, type Config } from '../config/environment.ts';
import { openDatabase, sqlitePathOf } from '../storage/database.ts';
import { DATABASE_CHECK_TIMEOUT_MS, type CheckResult, type DoctorCheck } from './doctor-check.ts';
import { isLocalUrl } from './local-address.ts';

const MINIMUM_NODE = [22, 18] as const;

export function nodeVersionCheck(version = process.versions.node): DoctorCheck {
  return {
    name: 'Node.js',
    async run() {
      const [major = 0, minor = 0] = version.split('.').map(Number);
      const ok = major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
      return ok
        ? { status: 'pass', detail: `v${version}` }
        : { status: 'fail', detail: `v${version} is too old`, fix: `install Node.js ${MINIMUM_NODE.join('.')} or newer (24 LTS recommended)` };
    },
  };
}

function withTimeout(timeoutMs: number, check: DoctorCheck): DoctorCheck {
  return { ...check, timeoutMs };
}

/** Builds the checks; the configuration is parsed once and the later checks use it. */
export function foundationChecks(env: Record<string, string | undefined>): DoctorCheck[] {
  const parsed = parseEnvironment(env);
  const config: Config | undefined = parsed.ok ? parsed.config : undefined;
  const needsConfig = (name: string, run: (config: Config) => ReturnType<DoctorCheck['run']>): DoctorCheck => ({
    name,
    run: async () => (config ? run(config) : { status: 'skip', detail: 'needs a valid configuration' }),
  });

  return [
    nodeVersionCheck(),
    {
      name: 'Configuration',
      async run() {
        if (parsed.ok) return { status: 'pass', detail: 'every variable is valid' };
        const variables = [...new Set(parsed.problems.map((p) => p.variable))];
        return {
          status: 'fail',
          detail: `${parsed.problems.length} problem(s): ${variables.join(', ')}`,
          fix: parsed.problems.map((p) => `${p.variable} ${p.problem} (example: ${p.example})`).join('; '),
        };
      },
    },
    needsConfig('Discord token', async (c) =>
      c.discordToken
        ? { status: 'pass', detail: 'DISCORD_TOKEN is set' }
        : { status: 'warn', detail: 'DISCORD_TOKEN is not set', fix: 'set DISCORD_TOKEN to run against Discord, or try `npm run sandbox`' },
    ),
    needsConfig('Data directory', async (c) => {
      const file = sqlitePathOf(c.databaseUrl);
      if (file === undefined) return { status: 'skip', detail: 'not using SQLite' };
      const dir = path.dirname(path.resolve(file));
      if (!existsSync(dir)) return { status: 'pass', detail: `${dir} will be created` };
      try {
        accessSync(dir, constants.W_OK);
        return { status: 'pass', detail: `${dir} is writable` };
      } catch {
        return { status: 'fail', detail: `${dir} is not writable`, fix: `give the user running Switchboard write access to ${dir}` };
      }
    }),
    withTimeout(DATABASE_CHECK_TIMEOUT_MS, needsConfig('Database', async (c) => {
      const database = openDatabase(c.databaseUrl);
      try {
        await database.ping();
        return { status: 'pass', detail: `${database.description}: reachable` };
      } catch (error) {
        return {
          status: 'fail',
          detail: `${database.description}: ${error instanceof Error ? error.message : String(error)}`,
          fix: 'check DATABASE_URL and that the database server is running and accepts this user',
        };
      } finally {
        await database.close();
      }
    })),
    needsConfig('Redis', async (c) => {
      if (!c.redisUrl) return { status: 'skip', detail: 'REDIS_URL not set (fine for one instance)' };
      // Loaded here, not at the top: every `switchboard` command imports doctor's checks, and only this one needs ioredis.
      const { Redis } = await import('ioredis');
      const redis = new Redis(c.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, enableOfflineQueue: false });
      try {
        await redis.connect();
        await redis.ping();
        return { status: 'pass', detail: `${new URL(c.redisUrl).host} answers` };
      } catch (error) {
        return {
          status: 'fail',
          detail: `${new URL(c.redisUrl).host}: ${error instanceof Error ? error.message : String(error)}`,
          fix: 'check REDIS_URL and that Redis is running',
        };
      } finally {
        redis.disconnect();
      }
    }),
    needsConfig('Guild override files', async (c) => {
      const read = await readOverrideFiles(c.guildConfigDir);
      if (read.problems.length > 0) {
        return {
          status: 'fail',
          detail: `${read.problems.length} problem(s) in ${c.guildConfigDir}`,
          fix: `${formatOverrideFileProblems(read.problems).join('; ')} (until fixed, each such guild keeps its last valid configuration)`,
        };
      }
      if (read.valid.length === 0) return { status: 'pass', detail: `no override files in ${c.guildConfigDir}` };
      return { status: 'pass', detail: `${read.valid.length} valid override file(s) in ${c.guildConfigDir}` };
    }),
    needsConfig('Public URL', async (c) => publicUrlResult(env.PUBLIC_URL, c.publicUrl)),
  ];
}

const PUBLIC_URL_FIX = 'set PUBLIC_URL to the scheme, host and port only, e.g. PUBLIC_URL=https://switchboard.example.com';

/**
 * PUBLIC_URL is the base of every link and OAuth callback, which append their own paths: anything past the
 * host and port would end up in the middle of them. `raw` is the variable as written; `effective` the address in use.
 */
export function publicUrlResult(raw: string | undefined, effective: string): CheckResult {
  if (raw === undefined || raw === '') return { status: 'pass', detail: `PUBLIC_URL not set: ${effective} (reachable from this machine only)` };
  if (/\s/.test(raw)) return { status: 'fail', detail: `PUBLIC_URL ${JSON.stringify(raw)} contains whitespace`, fix: PUBLIC_URL_FIX };
  const url = new URL(raw);
  const extras = [
    url.username || url.password ? 'a user name or password' : undefined,
    !/^\/*$/.test(url.pathname) ? `a path (${url.pathname})` : undefined,
    url.search || raw.includes('?') ? `a query (${url.search || '?'})` : undefined,
    url.hash || raw.includes('#') ? `a fragment (${url.hash || '#'})` : undefined,
  ].filter((extra) => extra !== undefined);
  if (extras.length > 0) {
    const shown = url.password ? raw.replace(`:${url.password}@`, ':***@') : raw;
    return { status: 'fail', detail: `PUBLIC_URL ${shown} has ${extras.join(', ')}`, fix: PUBLIC_URL_FIX };
  }
  if (url.protocol === 'https:' || isLocalUrl(url)) return { status: 'pass', detail: effective };
  return {
    status: 'warn',
    detail: `${effective} is not https`,
    fix: 'serve Switchboard behind TLS and set PUBLIC_URL to its https:// address (OAuth providers require it)',
  };
}
