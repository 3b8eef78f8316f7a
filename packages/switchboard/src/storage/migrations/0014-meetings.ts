/**
 * Meetings: one row per Kaltura Meetings room started from Discord, with the ids of the room and its
 * schedule event on Kaltura's side, so that ending it cancels the right event. Listed per guild and
 * status (the active ones for /kaltura-join, the last ended ones for /kaltura-list).
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const meetings: Migration = {
  id: '0014-meetings',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('meetings')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('host_user_id', 'text', (c) => c.notNull())
      .addColumn('kaltura_resource_id', 'bigint', (c) => c.notNull())
      .addColumn('kaltura_event_id', 'bigint', (c) => c.notNull())
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('announcement_message_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('ended_by', 'text')
      .execute();
    await db.schema.createIndex('meetings_by_guild_status').on('meetings').columns(['guild_id', 'status']).execute();
  },
};
