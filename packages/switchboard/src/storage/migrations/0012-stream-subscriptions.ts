/**
 * Go-live notifications. `stream_watches` is the platform-side subscription, one per streamer and shared by
 * every guild watching them (Twitch refuses a second EventSub subscription for the same thing);
 * `stream_subscriptions` is a guild's wish to hear about that streamer in a channel; `stream_announcements`
 * is one post per subscription and stream, unique so that the insert that wins a race is the one that
 * posts, whatever the number of webhooks, pollers and instances; `stream_webhook_messages` remembers webhook
 * message ids for a while so that a redelivery is acted on once across instances.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const streamSubscriptions: Migration = {
  id: '0012-stream-subscriptions',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('stream_watches')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('streamer_id', 'text', (c) => c.notNull())
      .addColumn('streamer_login', 'text', (c) => c.notNull())
      .addColumn('streamer_name', 'text', (c) => c.notNull())
      .addColumn('streamer_url', 'text', (c) => c.notNull())
      .addColumn('external_ids', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text')
      .addColumn('lease_expires_at', 'bigint')
      // The HMAC secret the platform signs this streamer's webhooks with, sealed (SecretBox) like every stored secret.
      .addColumn('webhook_secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('stream_watches_platform_streamer', ['platform', 'streamer_id'])
      .execute();
    await db.schema.createIndex('stream_watches_by_lease').on('stream_watches').columns(['platform', 'lease_expires_at']).execute();

    await db.schema
      .createTable('stream_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('role_id', 'text')
      .addColumn('watch_id', 'text', (c) => c.notNull().references('stream_watches.id'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('stream_subscriptions_guild_channel_watch', ['guild_id', 'channel_id', 'watch_id'])
      .execute();
    await db.schema.createIndex('stream_subscriptions_by_watch').on('stream_subscriptions').column('watch_id').execute();

    await db.schema
      .createTable('stream_announcements')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('subscription_id', 'text', (c) => c.notNull().references('stream_subscriptions.id').onDelete('cascade'))
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('stream_announcements_subscription_stream', ['subscription_id', 'stream_id'])
      .execute();
    await db.schema.createIndex('stream_announcements_open').on('stream_announcements').columns(['ended_at', 'started_at']).execute();

    await db.schema
      .createTable('stream_webhook_messages')
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stream_webhook_messages_pk', ['platform', 'message_id'])
      .execute();
    await db.schema.createIndex('stream_webhook_messages_by_time').on('stream_webhook_messages').column('received_at').execute();
  },
};
