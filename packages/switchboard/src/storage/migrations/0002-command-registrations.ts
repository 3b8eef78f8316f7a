/**
 * The last slash-command set registered with Discord, per scope (`global` or `guild:<id>`), so that a start
 * with unchanged commands does not overwrite them again: the overwrite route has a small rate limit, and a
 * needless overwrite can briefly hide commands from users.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const commandRegistrations: Migration = {
  id: '0002-command-registrations',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('command_registrations')
      .addColumn('scope', 'text', (c) => c.primaryKey().notNull())
      .addColumn('application_id', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('command_count', 'integer', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
