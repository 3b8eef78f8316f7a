/**
 * Applies pending migrations, each in its own transaction with its bookkeeping row, so that a failure
 * leaves the database at the last good version. On PostgreSQL a transaction-scoped advisory lock lets
 * several instances start at once: the second waits, then finds the migration applied and skips it.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { Migration } from './migration.ts';
import { migrations as allMigrations } from './migrations/index.ts';
import type { Tables } from './schema.ts';

const MIGRATION_LOCK_KEY = 0x5b0a4d; // any constant shared by every instance

export type MigrationReport = { applied: string[]; alreadyApplied: number; total: number };

/** Creates the bookkeeping table; under the lock, because "if not exists" is not atomic on PostgreSQL. */
async function ensureBookkeeping(database: Database): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    if (database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
  });
}

async function appliedIds(db: Kysely<Tables>): Promise<Set<string>> {
  const rows = await db.selectFrom('schema_migrations').select('id').execute();
  return new Set(rows.map((row) => row.id));
}

/** Whether the bookkeeping table exists where this connection looks (PostgreSQL: on the search path). */
async function bookkeepingExists(database: Database): Promise<boolean> {
  const query =
    database.dialect === 'postgres'
      ? sql<{ found: number }>`select 1 as found where to_regclass('schema_migrations') is not null`
      : sql<{ found: number }>`select 1 as found from sqlite_master where type = 'table' and name = 'schema_migrations'`;
  return (await query.execute(database.db)).rows.length > 0;
}

/** The ids of the migrations applied to the database, sorted; none for a fresh database. Reads only. */
export async function appliedMigrationIds(database: Database): Promise<string[]> {
  return (await bookkeepingExists(database)) ? [...(await appliedIds(database.db))].sort() : [];
}

/** The ids of migrations not yet applied. Reads only: a fresh database stays untouched. */
export async function pendingMigrations(database: Database, migrations = allMigrations): Promise<string[]> {
  const applied = new Set(await appliedMigrationIds(database));
  return migrations.filter((m) => !applied.has(m.id)).map((m) => m.id);
}

/** Migrations the database has that this code does not know: a newer version migrated it. Reads only. */
export async function unknownMigrations(database: Database, migrations: readonly Migration[] = allMigrations): Promise<string[]> {
  const known = new Set(migrations.map((m) => m.id));
  return (await appliedMigrationIds(database)).filter((id) => !known.has(id));
}

export async function runMigrations(
  database: Database,
  migrations: readonly Migration[] = allMigrations,
  onApplied?: (id: string, ms: number) => void,
): Promise<MigrationReport> {
  const ids = migrations.map((m) => m.id);
  if (new Set(ids).size !== ids.length || ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) {
    throw new Error(`migration ids must be unique and in ascending order: ${ids.join(', ')}`);
  }
  await ensureBookkeeping(database);
  const applied: string[] = [];
  for (const migration of migrations) {
    const started = performance.now();
    const ran = await database.db.transaction().execute(async (trx) => {
      if (database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
      const done = await trx.selectFrom('schema_migrations').select('id').where('id', '=', migration.id).executeTakeFirst();
      if (done) return false;
      await migration.up(trx as unknown as Kysely<unknown>, database.dialect);
      await trx.insertInto('schema_migrations').values({ id: migration.id, applied_at: Date.now() }).execute();
      return true;
    });
    if (ran) {
      applied.push(migration.id);
      onApplied?.(migration.id, performance.now() - started);
    }
  }
  return { applied, alreadyApplied: migrations.length - applied.length, total: migrations.length };
}
