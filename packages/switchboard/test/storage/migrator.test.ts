import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { runMigrations, pendingMigrations } from '../../src/storage/migrator.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import type { Migration } from '../../src/storage/migration.ts';
import { describeEachDatabase } from '../support/databases.ts';

/** The logical schema: tables, their columns with a portable type class and nullability. */
const EXPECTED_SCHEMA = {
  api_tokens: ['created_at integer not null', 'id text not null', 'last_used_at integer null', 'name text not null', 'revoked_at integer null', 'role text not null', 'token_hash text not null'],
  job_runs: ['duration_ms integer null', 'error text null', 'finished_at integer null', 'id text not null', 'instance_id text not null', 'job_name text not null', 'outcome text not null', 'started_at integer not null'],
  job_schedules: ['interval_ms integer not null', 'lease_expires_at integer null', 'lease_owner text null', 'name text not null', 'next_run_at integer not null'],
  schema_migrations: ['applied_at integer not null', 'id text not null'],
};

function typeClass(dataType: string): string {
  const t = dataType.toLowerCase();
  if (['int8', 'bigint', 'integer', 'int4', 'int'].includes(t)) return 'integer';
  if (['text', 'varchar', 'character varying'].includes(t)) return 'text';
  return t;
}

async function logicalSchema(db: Kysely<unknown>, schema: string | undefined): Promise<Record<string, string[]>> {
  const tables = (await db.introspection.getTables()).filter((t) => schema === undefined || t.schema === schema);
  return Object.fromEntries(
    tables
      .map((t) => [t.name, t.columns.map((c) => `${c.name} ${typeClass(c.dataType)} ${c.isNullable ? 'null' : 'not null'}`).sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describeEachDatabase('migrations', ({ it, dialect, open, openAgain }) => {
  it('apply from an empty database, then re-run as a no-op', async () => {
    const database = await open({ migrate: false });
    assert.deepEqual(await pendingMigrations(database), migrations.map((m) => m.id));
    const first = await runMigrations(database);
    assert.deepEqual(first.applied, migrations.map((m) => m.id));
    const second = await runMigrations(database);
    assert.deepEqual(second.applied, []);
    assert.equal(second.alreadyApplied, migrations.length);
    assert.deepEqual(await pendingMigrations(database), []);
  });

  it('give the same logical schema on both dialects', async () => {
    const database = await open();
    assert.deepEqual(await logicalSchema(database.db as unknown as Kysely<unknown>, database.location.schema), EXPECTED_SCHEMA);
  });

  it('roll a failing migration back completely and stop there', async () => {
    const database = await open();
    const broken: Migration = {
      id: '9999-broken',
      async up(db) {
        await db.schema.createTable('half_done').addColumn('id', 'text').execute();
        await sql`select * from table_that_does_not_exist`.execute(db);
      },
    };
    await assert.rejects(runMigrations(database, [...migrations, broken]));
    const tables = (await database.db.introspection.getTables()).filter((t) => !database.location.schema || t.schema === database.location.schema).map((t) => t.name);
    assert.ok(!tables.includes('half_done'), 'the failed migration left a table behind');
    assert.deepEqual(await pendingMigrations(database, [...migrations, broken]), ['9999-broken']);
  });

  it('two instances migrating at once apply each migration once', async () => {
    const database = await open({ migrate: false });
    // SQLite has one writer process; PostgreSQL instances each have their own pool.
    const other = dialect === 'postgres' ? openAgain(database) : database;
    const reports = await Promise.all([runMigrations(database), runMigrations(other)]);
    const appliedCount = reports.reduce((n, r) => n + r.applied.length, 0);
    assert.equal(appliedCount, migrations.length);
  });

  it('refuses migration lists out of order', async () => {
    const database = await open({ migrate: false });
    const a: Migration = { id: '0002-b', up: async () => undefined };
    const b: Migration = { id: '0001-a', up: async () => undefined };
    await assert.rejects(runMigrations(database, [a, b]), /ascending order/);
  });
});
