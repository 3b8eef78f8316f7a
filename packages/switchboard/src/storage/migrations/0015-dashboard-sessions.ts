/**
 * Dashboard sign-in sessions: one row per signed-in browser. Only the SHA-256 of the session cookie is
 * kept (`token_hash`, unique), so that a copy of the database opens no session. The guilds a guild manager
 * may see are fixed at sign-in (JSON text); the cleanup job removes rows once they expire.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const dashboardSessions: Migration = {
  id: '0015-dashboard-sessions',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('dashboard_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('avatar_url', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('guild_ids', 'text', (c) => c.notNull())
      .addColumn('api_token_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dashboard_sessions_by_expiry').on('dashboard_sessions').column('expires_at').execute();
  },
};
