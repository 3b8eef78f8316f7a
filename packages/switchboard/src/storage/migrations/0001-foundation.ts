/**
 * API tokens, job schedules with leases, and job run history.
 * Primary keys say NOT NULL explicitly: SQLite would otherwise allow NULL in a text primary key.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const foundation: Migration = {
  id: '0001-foundation',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('job_schedules')
      .addColumn('name', 'text', (c) => c.primaryKey().notNull())
      .addColumn('interval_ms', 'bigint', (c) => c.notNull())
      .addColumn('next_run_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .execute();

    await db.schema
      .createTable('job_runs')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('job_name', 'text', (c) => c.notNull())
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('duration_ms', 'bigint')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('job_runs_by_job').on('job_runs').columns(['job_name', 'started_at']).execute();
  },
};
