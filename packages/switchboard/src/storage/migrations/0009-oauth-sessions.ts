/**
 * Account linking: one row per OAuth flow a member starts. Only SHA-256 hashes of the state and of the
 * browser-binding cookie are stored; the PKCE verifier is sealed with the SecretBox. A session is consumed
 * by one conditional update that sets `used_at` where it is still null and not expired, so that a state
 * is accepted exactly once whatever the number of concurrent callbacks or instances. A session consumed
 * from the wrong browser or for the wrong provider is burned: `used_at` is set and `failure` says why.
 * Refused replays and refused expired states are counted on the row they name.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const oauthSessions: Migration = {
  id: '0009-oauth-sessions',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('oauth_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('state_hash', 'text', (c) => c.notNull().unique())
      .addColumn('browser_binding_hash', 'text', (c) => c.notNull())
      .addColumn('discord_user_id', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('code_verifier', 'text')
      .addColumn('ip_address', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('used_ip_address', 'text')
      .addColumn('failure', 'text')
      .addColumn('refused_replays', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refused_expired', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('oauth_sessions_by_expiry').on('oauth_sessions').columns(['used_at', 'expires_at']).execute();
    await db.schema.createIndex('oauth_sessions_by_created').on('oauth_sessions').column('created_at').execute();
  },
};
