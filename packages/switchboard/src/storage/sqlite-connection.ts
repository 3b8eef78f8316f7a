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
 * corrupted by one. Checkpoints run on a thread of their own (see `startCheckpointer`).
 */
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** WAL pages (4 KiB each) after which a commit checkpoints them itself, should the checkpointer fall behind. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;
/** SQLite's own setting, back in force when the checkpointer thread fails. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/** How often the checkpointer copies committed WAL pages into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;

/**
 * A thread with its own connection that checkpoints the WAL (`PASSIVE`: it never waits for or blocks
 * the hub's reads and writes). Left to SQLite, a checkpoint runs inside whichever commit crosses 1,000
 * pages, stalling the event loop for milliseconds with a copy of 4 MB and an fsync.
 */
const CHECKPOINTER_SOURCE = `
const { DatabaseSync } = require('node:sqlite');
const { workerData } = require('node:worker_threads');
const db = new DatabaseSync(workerData.filename, { timeout: 0 });
setInterval(() => {
  try { db.exec('PRAGMA wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next round does it */ }
}, workerData.intervalMs);
`;

/** Starts the checkpointer of `filename`; `onGone` is told if its thread fails (the connection then checkpoints as SQLite does by default). */
function startCheckpointer(filename: string, onGone: () => void): Worker {
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: { filename, intervalMs: CHECKPOINT_INTERVAL_MS },
    // It only runs one statement now and then: a small heap keeps its memory to a few megabytes.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 1 },
  });
  worker.on('error', onGone);
  worker.unref();
  return worker;
}

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

/** Opens (and creates) a SQLite file with WAL, foreign keys and a busy timeout; with `backgroundCheckpoints`, starts the checkpointer. */
export function openSqliteFile(filename: string, options: { backgroundCheckpoints: boolean } = { backgroundCheckpoints: false }): SqliteDatabase {
  if (filename !== ':memory:') mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const database = new DatabaseSync(filename, { timeout: 5000 });
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA foreign_keys = ON');
  database.exec('PRAGMA synchronous = NORMAL');
  let open = true;
  let checkpointer: Worker | undefined;
  if (options.backgroundCheckpoints && filename !== ':memory:') {
    // Checkpoints run on the checkpointer's thread; a commit that crosses this many pages runs one only as a fallback.
    database.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(path.resolve(filename), () => {
      if (open) database.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
  }
  const prepared = new Map<string, SqliteStatement>();
  return {
    close: () => {
      open = false;
      prepared.clear();
      database.close();
      void checkpointer?.terminate();
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
      if (/^\s*(select|insert|update|delete|with)\b/i.test(sql)) {
        prepared.set(sql, adapted);
        if (prepared.size > STATEMENT_CACHE_SIZE) prepared.delete(prepared.keys().next().value!);
      }
      return adapted;
    },
  };
}
