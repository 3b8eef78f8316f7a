/**
 * The Migrations check: which migrations this code has that the database lacks (named, fixed by
 * `switchboard migrate`), and which the database has that this code does not know — a database written by a
 * newer version, which this code must not run against.
 */
import type { Database } from '../storage/database.ts';
import type { Migration } from '../storage/migration.ts';
import { migrations as allMigrations } from '../storage/migrations/index.ts';
import { appliedMigrationIds, pendingMigrations, unknownMigrations } from '../storage/migrator.ts';
import { DATABASE_CHECK_TIMEOUT_MS, type CheckResult, type DoctorCheck } from './doctor-check.ts';

function named(ids: readonly string[]): string {
  return ids.join(', ');
}

export async function migrationStatus(database: Database, migrations: readonly Migration[] = allMigrations): Promise<CheckResult> {
  const pending = await pendingMigrations(database, [...migrations]);
  const applied = await appliedMigrationIds(database);
  const unknown = await unknownMigrations(database, migrations);
  if (unknown.length > 0) {
    return {
      status: 'fail',
      detail:
        `the database has ${unknown.length} migration(s) this code does not know: ${named(unknown)} (a newer version of Switchboard migrated it)` +
        (pending.length > 0 ? `; ${pending.length} of this code's are missing: ${named(pending)}` : ''),
      fix: 'upgrade the code to the version that applied them (or restore a backup taken before that upgrade); older code must not run against a newer database',
    };
  }
  if (pending.length === 0) return { status: 'pass', detail: `all ${migrations.length} applied (latest ${migrations.at(-1)?.id ?? 'none'})` };
  if (applied.length === 0) {
    return {
      status: 'warn',
      detail: `a new database: ${pending.length} migration(s) to apply`,
      fix: 'run `switchboard migrate` (`switchboard start` also applies them)',
    };
  }
  return {
    status: 'fail',
    detail: `${pending.length} pending: ${named(pending)}`,
    fix: 'run `switchboard migrate` before starting this version (back up first: `switchboard backup`)',
  };
}

/** `database` is opened by the caller and shared with the other database checks; undefined skips. */
export function migrationsCheck(database: Database | undefined, migrations: readonly Migration[] = allMigrations): DoctorCheck {
  return {
    name: 'Migrations',
    timeoutMs: DATABASE_CHECK_TIMEOUT_MS,
    async run() {
      if (!database) return { status: 'skip', detail: 'needs a valid configuration' };
      try {
        await database.ping();
      } catch {
        return { status: 'skip', detail: 'needs a reachable database' };
      }
      return migrationStatus(database, migrations);
    },
  };
}
