/**
 * Account linking: one row per member and platform that is linked. The access and refresh tokens are
 * sealed with the SecretBox at (linked_connections, access_token|refresh_token, id). Refresh bookkeeping
 * lives on the row: `next_refresh_attempt_at` is both the claim one instance takes before refreshing and
 * the back-off after a failure; `needs_relink_at` and `relink_notified_at` record a dead grant and that
 * the member was told once.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const linkedConnections: Migration = {
  id: '0010-linked-connections',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('linked_connections')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('discord_user_id', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('platform_user_id', 'text', (c) => c.notNull())
      .addColumn('platform_username', 'text', (c) => c.notNull())
      .addColumn('access_token', 'text', (c) => c.notNull())
      .addColumn('refresh_token', 'text')
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('needs_relink_at', 'bigint')
      .addColumn('relink_notified_at', 'bigint')
      .addColumn('refresh_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_refresh_attempt_at', 'bigint')
      .addColumn('last_refreshed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('linked_connections_user_platform', ['discord_user_id', 'platform'])
      .execute();
    await db.schema.createIndex('linked_connections_by_expiry').on('linked_connections').columns(['expires_at']).execute();
  },
};
