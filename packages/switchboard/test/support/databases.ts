/**
 * Runs a storage suite on both databases: `describeEachDatabase('tokens', ({ it, open }) => { … })` registers
 * `tokens [sqlite]` and `tokens [postgres]`, and each test carries the tag too. Each `open()` gives a fresh, migrated database: a file in a
 * temporary folder on SQLite, a schema of its own on PostgreSQL (dropped afterwards), so that suites
 * run in parallel without seeing each other. `openAgain(db)` opens a second handle on the same data,
 * as a second instance would.
 */
import { after, describe, it as nodeIt } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type Dialect } from '../../src/storage/database.ts';
import { runMigrations } from '../../src/storage/migrator.ts';
import { postgresAvailability } from './services.ts';

export type TestDatabase = Database & { location: { url: string; schema?: string } };

export type DatabaseSuiteContext = {
  dialect: Dialect;
  /** `it`, with the dialect in the test's name so that the run's summary can count tests per database. */
  it(name: string, fn: () => Promise<void>): void;
  /** A fresh database; migrated unless `{ migrate: false }`. Closed after the suite. */
  open(options?: { migrate?: boolean }): Promise<TestDatabase>;
  /** Another handle on the same data. */
  openAgain(database: TestDatabase): TestDatabase;
};

const postgres = await postgresAvailability();

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

export function describeEachDatabase(title: string, body: (context: DatabaseSuiteContext) => void): void {
  for (const dialect of DIALECTS) {
    const skip = dialect === 'postgres' && !postgres.available ? postgres.reason : false;
    describe(`${title} [${dialect}]`, { skip }, () => {
      const handles: Database[] = [];
      const folders: string[] = [];
      const schemas: string[] = [];

      const openAt = (location: { url: string; schema?: string }): TestDatabase => {
        const database = openDatabase(location.url, location.schema ? { schema: location.schema, poolSize: 5 } : {});
        handles.push(database);
        return Object.assign(database, { location });
      };

      after(async () => {
        for (const handle of handles) await handle.close();
        for (const folder of folders) rmSync(folder, { recursive: true, force: true });
        if (schemas.length > 0) {
          const client = new pg.Client({ connectionString: postgres.url });
          await client.connect();
          for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
          await client.end();
        }
      });

      body({
        dialect,
        it: (name, fn) => nodeIt(`${name} [${dialect}]`, fn),
        async open(options = {}) {
          let location: { url: string; schema?: string };
          if (dialect === 'sqlite') {
            const folder = mkdtempSync(path.join(tmpdir(), 'switchboard-test-'));
            folders.push(folder);
            location = { url: `sqlite:${path.join(folder, 'test.db')}` };
          } else {
            const schema = `t_${randomBytes(6).toString('hex')}`;
            const client = new pg.Client({ connectionString: postgres.url });
            await client.connect();
            await client.query(`create schema ${schema}`);
            await client.end();
            schemas.push(schema);
            location = { url: postgres.url, schema };
          }
          const database = openAt(location);
          if (options.migrate !== false) await runMigrations(database);
          return database;
        },
        openAgain: (database) => openAt(database.location),
      });
    });
  }
}
