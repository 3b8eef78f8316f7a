/** Builds a hub for in-process tests: quiet logs, port 0, a database from the storage helper. */
import { parseEnvironment, type Config } from '../../src/config/environment.ts';
import { createHub, type Hub, type HubOptions } from '../../src/hub.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { Database } from '../../src/storage/database.ts';
import type { Logger } from 'pino';

export const TEST_DISCORD_TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gabcde.0123456789abcdefghijklmnopqrstuvwxyzAB';

/** A fixed key for secrets at rest in tests (never used anywhere else). */
export const TEST_ENCRYPTION_KEYS = `test-1:${Buffer.alloc(32, 7).toString('base64')}`;

export function testConfig(env: Record<string, string> = {}): Config {
  const result = parseEnvironment({
    DISCORD_TOKEN: TEST_DISCORD_TOKEN,
    LOG_LEVEL: 'silent',
    JOB_TICK_MS: '50',
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    ...env,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  // Port 0 unless the test chose one (a hub whose PUBLIC_URL must name its real address).
  return { ...result.config, port: env['PORT'] === undefined ? 0 : result.config.port };
}

/** A hub on the given database; without a Discord connection unless `discord: true` (then point DISCORD_API_URL at a simulator). */
export async function testHub(database: Database, env: Record<string, string> = {}, options: HubOptions & { logger?: Logger } = {}): Promise<Hub> {
  const config = testConfig(env);
  const { logger, ...hubOptions } = options;
  return createHub(config, logger ?? createLogger({ level: config.logLevel }), { discord: false, ...hubOptions, database });
}
