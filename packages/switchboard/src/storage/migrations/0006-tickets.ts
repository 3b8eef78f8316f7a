/**
 * Support tickets: categories, tickets numbered per guild, their messages and transcripts, the per-guild
 * number counter, the blocklist and staff warnings. A ticket's number comes from `ticket_guild_counters`
 * inside the creating transaction, so numbers have no gap and no duplicate under concurrent creation; the
 * unique (guild_id, number) index is the last line of defence. Deleting a category keeps its tickets
 * (their category becomes null); deleting a ticket takes its messages and transcript with it.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const tickets: Migration = {
  id: '0006-tickets',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ticket_categories')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('emoji', 'text')
      .addColumn('description', 'text')
      .addColumn('staff_role_ids', 'text', (c) => c.notNull())
      .addColumn('ping_role_ids', 'text', (c) => c.notNull())
      .addColumn('channel_name', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('ticket_categories_guild_name', ['guild_id', 'name'])
      .execute();

    await db.schema
      .createTable('tickets')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('category_id', 'text', (c) => c.references('ticket_categories.id').onDelete('set null'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('creator_id', 'text', (c) => c.notNull())
      .addColumn('assignee_id', 'text')
      .addColumn('thread_id', 'text')
      .addColumn('channel_id', 'text')
      .addColumn('close_reason', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('closed_at', 'bigint')
      .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
      .addColumn('warned_at', 'bigint')
      .addColumn('rating', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('tickets_guild_number', ['guild_id', 'number'])
      .execute();
    await db.schema.createIndex('tickets_by_creator').on('tickets').columns(['guild_id', 'creator_id', 'created_at']).execute();
    await db.schema.createIndex('tickets_by_status').on('tickets').columns(['guild_id', 'status']).execute();
    await db.schema.createIndex('tickets_by_activity').on('tickets').columns(['status', 'last_activity_at']).execute();
    await db.schema.createIndex('tickets_by_closed').on('tickets').columns(['status', 'closed_at']).execute();
    await db.schema.createIndex('tickets_by_thread').on('tickets').column('thread_id').execute();

    await db.schema
      .createTable('ticket_messages')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
      .addColumn('discord_message_id', 'text', (c) => c.unique())
      .addColumn('author_id', 'text', (c) => c.notNull())
      .addColumn('author_name', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ticket_messages_by_ticket').on('ticket_messages').columns(['ticket_id', 'created_at']).execute();

    await db.schema
      .createTable('ticket_transcripts')
      .addColumn('ticket_id', 'text', (c) => c.primaryKey().notNull().references('tickets.id').onDelete('cascade'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('html', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ticket_guild_counters')
      .addColumn('guild_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('next_number', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ticket_blocklist')
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_blocklist_pk', ['guild_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('ticket_warnings')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ticket_warnings_by_user').on('ticket_warnings').columns(['guild_id', 'user_id', 'created_at']).execute();
  },
};
