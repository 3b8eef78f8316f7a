/**
 * Account linking: the one-time links `/link` hands a member. Only the SHA-256 of the link's token is
 * stored. A link is redeemed by one conditional update (`used_at` still null, not expired), so it opens
 * exactly one OAuth flow however often, and from however many places at once, it is opened.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const linkInvitations: Migration = {
  id: '0011-link-invitations',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('link_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('discord_user_id', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('link_invitations_by_created').on('link_invitations').column('created_at').execute();
  },
};
