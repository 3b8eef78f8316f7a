/** Each guild's own labels for the attendance buttons. */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const attendanceLabels: Migration = {
  id: '0008-attendance-labels',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('attendance_guild_labels')
      .addColumn('guild_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
