/**
 * Kysely's SQLite dialect expects a better-sqlite3 shaped database. Node's built-in `node:sqlite`
 * has everything needed; this adapter gives its statements the `reader` / `all` / `run` / `iterate`
 * shape. `reader` is whether the statement returns columns, which `StatementSync.columns()` tells.
 *
 * Prepared statements are kept by their SQL text (the most recent `STATEMENT_CACHE_SIZE`): Kysely
 * prepares every query it runs, and preparing again the same few statements of the webhook outbox cost
 * more than running them. Reusing one is safe because Kysely runs one query at a time on the connection.
 *
 * Durability: WAL with `synchronous = NORMAL`. A commit is atomic and survives the process being killed
 * (kill -9): it is in the WAL file, which the operating system has. Only a power cut or an operating
 * system crash can lose the last commits (those not yet synced by a checkpoint); the database is never
 * corrupted by one. SQLite checkpoints the WAL itself, inside the commit that takes it past 1,000 pages.
 * (A thread of its own that checkpointed every 100 ms halved the event latency's tail while event ids
 * were random and each batch rewrote hundreds of index pages; with ordered ids it no longer made a
 * measurable difference, and it cost about 10 MB of memory.)
 */
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many prepared statements are kept per database. */
export const STATEMENT_CACHE_SIZE = 200;

type SqliteValue = null | number | bigint | string | NodeJS.ArrayBufferView;

function bindable(parameters: ReadonlyArray<unknown>): SqliteValue[] {
  return parameters.map((value) => {
    if (value === undefined) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value as SqliteValue;
  });
}

/** Opens (and creates) a SQLite file with WAL, foreign keys and a busy timeout. */
export function openSqliteFile(filename: string): SqliteDatabase {
  if (filename !== ':memory:') mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const database = new DatabaseSync(filename, { timeout: 5000 });
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA foreign_keys = ON');
  database.exec('PRAGMA synchronous = NORMAL');
  const prepared = new Map<string, SqliteStatement>();
  return {
    close: () => {
      prepared.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = prepared.get(sql);
      if (cached) {
        // Most recently used last: the first entry is the one to drop when the cache is full.
        prepared.delete(sql);
        prepared.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      const adapted: SqliteStatement = {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...bindable(parameters)),
        run: (parameters) => statement.run(...bindable(parameters)),
        iterate: (parameters) => statement.iterate(...bindable(parameters)),
      };
      // Statements that change the schema are not kept: a later schema change could make them stale.
      // Transaction control is: each transaction's begin and commit were prepared afresh.
      if (/^\s*(select|insert|update|delete|with|begin|commit|rollback)\b/i.test(sql)) {
        prepared.set(sql, adapted);
        if (prepared.size > STATEMENT_CACHE_SIZE) prepared.delete(prepared.keys().next().value!);
      }
      return adapted;
    },
  };
}
