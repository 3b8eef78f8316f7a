/**
 * Fresh, migrated databases for the scenarios that measure storage in this process: a SQLite file in a
 * temporary folder, or a PostgreSQL schema of its own (dropped afterwards). PostgreSQL is optional: when it
 * cannot be reached, `openBenchDatabase` says why instead of failing the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type Dialect } from '../../packages/switchboard/src/storage/database.ts';
import { runMigrations } from '../../packages/switchboard/src/storage/migrator.ts';

export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type BenchDatabase = { database: Database; dispose(): Promise<void> };

function reachable(url: string): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A migrated database of this dialect, or the reason it cannot be had. */
export async function openBenchDatabase(dialect: Dialect): Promise<BenchDatabase | { unavailable: string }> {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-'));
    const database = openDatabase(`sqlite:${path.join(folder, 'bench.db')}`);
    await runMigrations(database);
    return {
      database,
      async dispose() {
        await database.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const where = new URL(BENCH_POSTGRES_URL).host;
  if (!(await reachable(BENCH_POSTGRES_URL))) return { unavailable: `PostgreSQL is not reachable at ${where} (set BENCH_POSTGRES_URL)` };
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  try {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    return { unavailable: `PostgreSQL at ${where} refused a new schema: ${error instanceof Error ? error.message : String(error)}` };
  }
  await admin.end();
  const database = openDatabase(BENCH_POSTGRES_URL, { schema, poolSize: 10 });
  await runMigrations(database);
  return {
    database,
    async dispose() {
      await database.close();
      const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
