/**
 * Backups of the database. SQLite: an online copy with SQLite's backup API (`node:sqlite` `backup()`), taken
 * while the hub may keep writing, into a temporary file that becomes the backup only after it passed
 * `PRAGMA integrity_check`; it is switched to a rollback journal so that the backup is one self-contained
 * file, and never replaces an existing file. PostgreSQL: the `pg_dump` command for DATABASE_URL (custom
 * format, no owner), which can also be run; the password goes through PGPASSWORD, never onto a command line
 * or into output.
 */
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import type { Migration } from './migration.ts';
import { migrations as allMigrations } from './migrations/index.ts';

/** Thrown with a message a person can act on; the command prints it as is. */
export class BackupError extends Error {}

export type BackupProgress = { copiedPages: number; totalPages: number };

export type MigrationLevel = {
  applied: string[];
  /** The last migration this code knows and the backup holds. */
  latest: string | undefined;
  /** This code's migrations the backup lacks (`switchboard migrate` adds them after a restore). */
  pending: string[];
  /** Migrations in the backup this code does not know (taken by a newer version). */
  unknown: string[];
};

export type SqliteBackupResult = {
  file: string;
  pages: number;
  bytes: number;
  /** Whether writes during the copy made SQLite restart it, and it was taken again in one step. */
  retakenInOneStep: boolean;
  migrations: MigrationLevel;
};

export type SqliteBackupOptions = {
  onProgress?: (progress: BackupProgress) => void;
  /** Told when writes restarted the copy and it is taken again in one step. */
  onRetake?: () => void;
  migrations?: readonly Migration[];
};

/** `switchboard-20261125T214200Z<extension>`: sorts by time, safe in every file system. */
export function backupFileName(now: Date, extension: string): string {
  return `switchboard-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}${extension}`;
}

/** `<data dir>/backups/switchboard-<UTC timestamp>.sqlite`, the data dir being the database file's folder. */
export function defaultSqliteBackupPath(databaseFile: string, now = new Date()): string {
  return path.join(path.dirname(path.resolve(databaseFile)), 'backups', backupFileName(now, '.sqlite'));
}

function refuseExisting(file: string): void {
  if (existsSync(file)) throw new BackupError(`${file} already exists: a backup never overwrites a file; choose another --out`);
}

/** The largest `rate` SQLite accepts: the whole database in one step, under one read transaction. */
const ONE_STEP = 2_147_483_647;
/** Copy in about this many steps, for progress, while nobody writes. */
const PROGRESS_STEPS = 20;

class CopyRestarted extends Error {}

/**
 * Copies page by page. A write by another connection makes SQLite restart the copy; when it does, the copy
 * is taken again in one step: a consistent snapshot that writers (WAL) do not wait for.
 */
async function copyPages(source: DatabaseSync, target: string, options: SqliteBackupOptions): Promise<{ pages: number; retaken: boolean }> {
  const pageCount = Number((source.prepare('pragma page_count').get() as { page_count: number }).page_count);
  let copiedBefore = 0;
  try {
    const pages = await backup(source, target, {
      rate: Math.max(64, Math.ceil(pageCount / PROGRESS_STEPS)),
      progress: ({ totalPages, remainingPages }) => {
        const copiedPages = totalPages - remainingPages;
        if (copiedPages < copiedBefore) throw new CopyRestarted();
        copiedBefore = copiedPages;
        options.onProgress?.({ copiedPages, totalPages });
      },
    });
    return { pages, retaken: false };
  } catch (error) {
    if (!(error instanceof CopyRestarted)) throw error;
  }
  rmSync(target, { force: true });
  options.onRetake?.();
  return { pages: await backup(source, target, { rate: ONE_STEP }), retaken: true };
}

/** The migration level a SQLite file holds, against this code's migrations. */
export function migrationLevelOf(database: DatabaseSync, migrations: readonly Migration[] = allMigrations): MigrationLevel {
  const hasTable = database.prepare("select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'").get() !== undefined;
  const applied = hasTable ? (database.prepare('select id from schema_migrations order by id').all() as Array<{ id: string }>).map((row) => row.id) : [];
  const known = new Set(migrations.map((m) => m.id));
  const appliedSet = new Set(applied);
  return {
    applied,
    latest: applied.filter((id) => known.has(id)).at(-1),
    pending: migrations.filter((m) => !appliedSet.has(m.id)).map((m) => m.id),
    unknown: applied.filter((id) => !known.has(id)),
  };
}

/** Makes the copy self-contained, checks it, and reads its migration level. Throws when it is damaged. */
function verifyCopy(file: string, migrations: readonly Migration[]): MigrationLevel {
  const copy = new DatabaseSync(file);
  try {
    copy.exec('pragma journal_mode = DELETE');
    const problems = (copy.prepare('pragma integrity_check').all() as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new BackupError(`the copy failed PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
    }
    return migrationLevelOf(copy, migrations);
  } finally {
    copy.close();
  }
}

/** Backs up the SQLite database at `databaseFile` to `outFile`, which must not exist. */
export async function backupSqlite(databaseFile: string, outFile: string, options: SqliteBackupOptions = {}): Promise<SqliteBackupResult> {
  if (!existsSync(databaseFile)) throw new BackupError(`there is no database at ${databaseFile}: check DATABASE_URL`);
  const out = path.resolve(outFile);
  if (out === path.resolve(databaseFile)) throw new BackupError('--out must not be the database itself');
  refuseExisting(out);
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  const source = new DatabaseSync(databaseFile, { timeout: 5000 });
  try {
    const { pages, retaken } = await copyPages(source, partial, options);
    const migrations = verifyCopy(partial, options.migrations ?? allMigrations);
    options.onProgress?.({ copiedPages: pages, totalPages: pages });
    try {
      // A hard link fails when the name exists meanwhile, where a rename would replace it.
      linkSync(partial, out);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') refuseExisting(out);
      throw error;
    }
    return { file: out, pages, bytes: statSync(out).size, retakenInOneStep: retaken, migrations };
  } finally {
    source.close();
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  }
}

export type PgDumpPlan = {
  /** `pg_dump` and its arguments; the password is not among them. */
  args: string[];
  /** PGPASSWORD (when the URL has one) and PGSSLMODE (when it names one). */
  env: Record<string, string>;
  /** The command as a person would type it, with the password left out (it comes from PGPASSWORD or ~/.pgpass). */
  display: string;
  /** The matching restore command, for the same database. */
  restoreDisplay: string;
};

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** The `pg_dump` invocation for DATABASE_URL, writing a custom-format archive to `outFile`. */
export function pgDumpPlan(databaseUrl: string, outFile: string): PgDumpPlan {
  const url = new URL(databaseUrl);
  // A URL that sets the search path (`?options=-c search_path=<schema>`) keeps its data in that schema only.
  const schema = /search_path=([a-z_][a-z0-9_]*)/i.exec(url.searchParams.get('options') ?? '')?.[1];
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const connection = [
    `--host=${url.hostname || '127.0.0.1'}`,
    `--port=${url.port || '5432'}`,
    ...(url.username ? [`--username=${decodeURIComponent(url.username)}`] : []),
    ...(database ? [`--dbname=${database}`] : []),
  ];
  const env: Record<string, string> = {};
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  const args = ['--format=custom', '--no-owner', ...connection, ...(schema ? [`--schema=${schema}`] : []), `--file=${outFile}`];
  const prefix = sslmode ? `PGSSLMODE=${sslmode}` : '';
  const line = (command: string, rest: string[]) => `${prefix ? `${prefix} ` : ''}${command} ${rest.map(shellQuote).join(' ')}`;
  return {
    args,
    env,
    display: line('pg_dump', args),
    restoreDisplay: line('pg_restore', ['--no-owner', '--clean', '--if-exists', ...connection, outFile]),
  };
}

/** Runs a PostgreSQL client program; rejects with its error output, or says that it is not installed. */
export function runPgTool(program: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new BackupError(`${program} is not on PATH: install the PostgreSQL client tools (the server's major version or newer)`) : error),
    );
    child.once('close', (code) => (code === 0 ? resolve(stdout) : reject(new BackupError(`${program} exited with ${code}: ${stderr.trim()}`))));
  });
}

/** Runs the plan to a new file (never over an existing one) and checks the archive reads back (`pg_restore --list`). */
export async function runPgDump(plan: PgDumpPlan, outFile: string): Promise<{ file: string; bytes: number; entries: number }> {
  const out = path.resolve(outFile);
  refuseExisting(out);
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  try {
    await runPgTool('pg_dump', plan.args.map((arg) => (arg.startsWith('--file=') ? `--file=${partial}` : arg)), plan.env);
    const listing = await runPgTool('pg_restore', ['--list', partial], {});
    const entries = listing.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';')).length;
    try {
      linkSync(partial, out);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') refuseExisting(out);
      throw error;
    }
    return { file: out, bytes: statSync(out).size, entries };
  } finally {
    rmSync(partial, { force: true });
  }
}
