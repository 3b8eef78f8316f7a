/**
 * Outside applications registered with the broker, the messages they own, and their guild assistants.
 * Lists (events, guilds, subscribed channels) and the named channel map are JSON text: they are read and
 * written whole with the app and never queried by element.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const apps: Migration = {
  id: '0003-apps',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('callback_url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('guilds', 'text', (c) => c.notNull())
      .addColumn('subscribed_channels', 'text', (c) => c.notNull())
      .addColumn('channels', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('signing_secret', 'text', (c) => c.notNull())
      .addColumn('previous_signing_secret', 'text')
      .addColumn('previous_secret_expires_at', 'bigint')
      .addColumn('last_heartbeat_at', 'bigint')
      .addColumn('endpoint_disabled_at', 'bigint')
      .addColumn('endpoint_disabled_reason', 'text')
      .addColumn('failing_since', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('app_messages')
      .addColumn('message_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('guild_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('app_messages_by_app').on('app_messages').columns(['app_id', 'created_at']).execute();

    await db.schema
      .createTable('guild_assistants')
      .addColumn('guild_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
