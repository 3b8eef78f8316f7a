import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { runMigrations, pendingMigrations, unknownMigrations } from '../../src/storage/migrator.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import type { Migration } from '../../src/storage/migration.ts';
import { describe, it as plainIt } from 'node:test';
import { describeEachDatabase } from '../support/databases.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresAvailability } from '../support/services.ts';

function typeClass(dataType: string): string {
  const t = dataType.toLowerCase();
  if (['int8', 'bigint', 'integer', 'int4', 'int'].includes(t)) return 'integer';
  if (['text', 'varchar', 'character varying'].includes(t)) return 'text';
  return t;
}

type TableColumns = { name: string; columns: { name: string; dataType: string; isNullable: boolean }[] };

/**
 * The tables of one database (SQLite) or of one PostgreSQL schema. On PostgreSQL the catalogue is read for
 * that schema only: introspecting every schema races with other suites dropping theirs meanwhile.
 */
async function tablesOf(db: Kysely<unknown>, schema: string | undefined): Promise<TableColumns[]> {
  if (schema === undefined) return db.introspection.getTables();
  const rows = await sql<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>`
    select c.table_name, c.column_name, c.udt_name, c.is_nullable
    from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = ${schema} and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const tables = new Map<string, TableColumns>();
  for (const row of rows.rows) {
    const table = tables.get(row.table_name) ?? { name: row.table_name, columns: [] };
    table.columns.push({ name: row.column_name, dataType: row.udt_name, isNullable: row.is_nullable === 'YES' });
    tables.set(row.table_name, table);
  }
  return [...tables.values()];
}

async function logicalSchema(db: Kysely<unknown>, schema: string | undefined): Promise<Record<string, string[]>> {
  const tables = await tablesOf(db, schema);
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

  it('name the migrations a newer version applied, which this code does not know', async () => {
    const database = await open({ migrate: false });
    assert.deepEqual(await unknownMigrations(database), [], 'a fresh database has none, and is left untouched');
    await runMigrations(database);
    assert.deepEqual(await unknownMigrations(database), []);
    await database.db.insertInto('schema_migrations').values({ id: '9999-from-a-newer-version', applied_at: Date.now() }).execute();
    assert.deepEqual(await unknownMigrations(database), ['9999-from-a-newer-version']);
    assert.deepEqual(await pendingMigrations(database), []);
  });

  it('create every table with non-null primary keys', async () => {
    const database = await open();
    const schema = await logicalSchema(database.db as unknown as Kysely<unknown>, database.location.schema);
    assert.ok(Object.keys(schema).length >= 5);
    assert.ok(schema.schema_migrations?.includes('id text not null'));
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
    const tables = (await tablesOf(database.db as unknown as Kysely<unknown>, database.location.schema)).map((t) => t.name);
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

const postgres = await postgresAvailability();

describe('one schema, two dialects', () => {
  plainIt('the migrations give the same logical schema on SQLite and PostgreSQL', { skip: postgres.available ? false : postgres.reason }, async () => {
    const sqlite = openDatabase(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-schema-')), 'db.sqlite')}`);
    const schemaName = `schema_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`create schema ${schemaName}`);
    const postgresDb = openDatabase(postgres.url, { schema: schemaName });
    try {
      await runMigrations(sqlite);
      await runMigrations(postgresDb);
      const onSqlite = await logicalSchema(sqlite.db as unknown as Kysely<unknown>, undefined);
      const onPostgres = await logicalSchema(postgresDb.db as unknown as Kysely<unknown>, schemaName);
      assert.deepEqual(onPostgres, onSqlite);
    } finally {
      await sqlite.close();
      await postgresDb.close();
      await admin.query(`drop schema ${schemaName} cascade`);
      await admin.end();
    }
  });
});
