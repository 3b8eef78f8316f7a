/**
 * Which conversation with the assistant each user is in, per channel and UTC day: a row appears when
 * `/clear` starts a new one, so a day without a clear has no row (generation 1). Old days are never read
 * again; they may be deleted at any time.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const assistantConversations: Migration = {
  id: '0005-assistant-conversations',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('assistant_conversations')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('assistant_conversations_pk', ['user_id', 'channel_id', 'day'])
      .execute();
    await db.schema.createIndex('assistant_conversations_by_day').on('assistant_conversations').column('day').execute();
  },
};
