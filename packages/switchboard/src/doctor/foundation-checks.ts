/** Doctor checks for the runtime, configuration, database, migrations, Redis and public URL. */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { formatOverrideFileProblems, readOverrideFiles } from '../config/guild-config/override-files.ts';
import { Redis } from 'ioredis';
import { formatConfigProblems, parseEnvironment, type Config } from '../config/environment.ts';
import { openDatabase, sqlitePathOf } from '../storage/database.ts';
import { pendingMigrations } from '../storage/migrator.ts';
import type { DoctorCheck } from './doctor-check.ts';

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
        return parsed.ok
          ? { status: 'pass', detail: 'every variable is valid' }
          : { status: 'fail', detail: `${parsed.problems.length} problem(s)`, fix: formatConfigProblems(parsed.problems).trim() };
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
    needsConfig('Database', async (c) => {
      const database = openDatabase(c.databaseUrl);
      try {
        await database.ping();
        const pending = await pendingMigrations(database);
        return pending.length === 0
          ? { status: 'pass', detail: `${database.description}: reachable, migrations up to date` }
          : {
              status: 'warn',
              detail: `${database.description}: reachable, ${pending.length} migration(s) pending`,
              fix: 'run `switchboard migrate` (start also applies them)',
            };
      } catch (error) {
        return {
          status: 'fail',
          detail: `${database.description}: ${error instanceof Error ? error.message : String(error)}`,
          fix: 'check DATABASE_URL and that the database server is running and accepts this user',
        };
      } finally {
        await database.close();
      }
    }),
    needsConfig('Redis', async (c) => {
      if (!c.redisUrl) return { status: 'skip', detail: 'REDIS_URL not set (fine for one instance)' };
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
    needsConfig('Public URL', async (c) => {
      const url = new URL(c.publicUrl);
      const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      if (url.protocol === 'https:' || local) return { status: 'pass', detail: c.publicUrl };
      return {
        status: 'warn',
        detail: `${c.publicUrl} is not https`,
        fix: 'serve Switchboard behind TLS and set PUBLIC_URL to its https:// address (OAuth providers require it)',
      };
    }),
  ];
}
