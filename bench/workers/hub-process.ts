/**
 * The hub as a child process of a scenario: connected to the simulator named by DISCORD_API_URL (with
 * DISCORD_TOKEN), SQLite in a temporary folder removed on exit. Prints `BENCH_HUB_READY {"url":…,"adminToken":…}` once the
 * gateway session is ready. Over IPC it answers `{type:'rss'}` with its RSS after a full GC (when started
 * with --expose-gc) and stops on `{type:'stop'}` or SIGTERM. Started through `launch.js`, the way
 * `switchboard` starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateApiToken } from '../../packages/switchboard/src/auth/api-token.ts';
import { formatConfigProblems, parseEnvironment } from '../../packages/switchboard/src/config/environment.ts';
import { createHub } from '../../packages/switchboard/src/hub.ts';
import { createLogger } from '../../packages/switchboard/src/logging/logger.ts';
import { ApiTokenRepository } from '../../packages/switchboard/src/storage/api-token-repository.ts';
import { memoryReport } from '../lib/memory-report.ts';

const folder = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-hub-'));
process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
// Only what the benchmark sets: a DATABASE_URL (or anything else) in the caller's environment must never
// point the benchmark's hub at a real database.
const parsed = parseEnvironment({
  LOG_LEVEL: 'warn',
  DATABASE_URL: `sqlite:${path.join(folder, 'hub.db')}`,
  ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 3).toString('base64')}`,
  APP_CALLBACKS_ALLOW_LOOPBACK: 'true',
  // Overridden below: the configuration check wants a real port, the benchmark wants any free one.
  PORT: '3000',
  DISCORD_TOKEN: process.env.DISCORD_TOKEN ?? '',
  DISCORD_API_URL: process.env.DISCORD_API_URL ?? '',
});
if (!parsed.ok) {
  process.stderr.write(`bench hub: ${formatConfigProblems(parsed.problems)}\n`);
  process.exit(2);
}
const config = { ...parsed.config, port: 0 };
const hub = await createHub(config, createLogger({ level: config.logLevel }));
const material = generateApiToken();
await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'bench-admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
const url = (await hub.start()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
const deadline = Date.now() + 120_000;
while (!hub.discord?.status().ready) {
  if (Date.now() > deadline) {
    process.stderr.write('bench hub: the gateway session was not ready within 120 s\n');
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
process.stdout.write(`BENCH_HUB_READY ${JSON.stringify({ url, adminToken: material.token })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await hub.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
// The scenario that started this process is gone (crashed or killed): stop rather than linger.
process.on('disconnect', () => void stop());
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') void stop();
  if (message.type === 'rss') process.send?.(memoryReport(hub.discord?.status().guilds ?? 0));
});
