import assert from 'node:assert/strict';
import { migrationsCheck, migrationStatus } from '../../src/doctor/migration-checks.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { runMigrations } from '../../src/storage/migrator.ts';
import { describeEachDatabase } from '../support/databases.ts';

describeEachDatabase('doctor: migrations', ({ it, open }) => {
  it('passes when every migration is applied, naming the latest', async () => {
    const database = await open();
    const result = await migrationStatus(database);
    assert.equal(result.status, 'pass');
    assert.match(result.detail, new RegExp(`all ${migrations.length} applied \\(latest ${migrations.at(-1)!.id}\\)`));
  });

  it('fails naming the pending migration, with `switchboard migrate` as the fix', async () => {
    const database = await open({ migrate: false });
    await runMigrations(database, migrations.slice(0, -1));
    const result = await migrationStatus(database);
    assert.equal(result.status, 'fail');
    assert.equal(result.detail, `1 pending: ${migrations.at(-1)!.id}`);
    assert.match(result.fix ?? '', /switchboard migrate/);
  });

  it('fails naming migrations this code does not know, with "upgrade the code" as the fix', async () => {
    const database = await open();
    await database.db.insertInto('schema_migrations').values({ id: '9999-from-a-newer-version', applied_at: Date.now() }).execute();
    const result = await migrationStatus(database);
    assert.equal(result.status, 'fail');
    assert.match(result.detail, /1 migration\(s\) this code does not know: 9999-from-a-newer-version/);
    assert.match(result.fix ?? '', /upgrade the code/);
  });

  it('only warns on a new database, and leaves it untouched', async () => {
    const database = await open({ migrate: false });
    const result = await runMigrationsCheck(migrationsCheck(database));
    assert.equal(result.status, 'warn');
    assert.match(result.detail, new RegExp(`a new database: ${migrations.length} migration\\(s\\) to apply`));
    assert.equal((await migrationStatus(database)).status, 'warn', 'still nothing applied');
  });
});

function runMigrationsCheck(check: ReturnType<typeof migrationsCheck>) {
  return check.run();
}
