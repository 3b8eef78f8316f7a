/**
 * Event attendance: sessions (one row per occurrence; the occurrences of a recurring session share a
 * `series_id` and are numbered by `occurrence_index`, unique per series so that two instances creating the
 * next occurrence at once create it once), members' answers, and the reminders owed to them. A reminder is
 * claimed by setting `sent_at` where it is still null before it is sent, so that it goes out at most once
 * whatever the number of instances, and survives a restart while unsent. Deleting a session takes its
 * answers and reminders with it.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const attendance: Migration = {
  id: '0007-attendance',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('attendance_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer')
      .addColumn('allowed_role_ids', 'text', (c) => c.notNull())
      .addColumn('recurrence', 'text')
      .addColumn('interval_weeks', 'integer')
      .addColumn('series_id', 'text', (c) => c.notNull())
      .addColumn('occurrence_index', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text')
      .addColumn('reminder_minutes_before', 'integer')
      .addColumn('calendar_event_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('attendance_sessions_series_occurrence', ['series_id', 'occurrence_index'])
      .execute();
    await db.schema.createIndex('attendance_sessions_by_guild_start').on('attendance_sessions').columns(['guild_id', 'starts_at']).execute();
    await db.schema.createIndex('attendance_sessions_by_message').on('attendance_sessions').column('message_id').execute();
    await db.schema.createIndex('attendance_sessions_by_recurrence').on('attendance_sessions').columns(['recurrence', 'starts_at']).execute();

    await db.schema
      .createTable('attendance_responses')
      .addColumn('session_id', 'text', (c) => c.notNull().references('attendance_sessions.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('waitlist_position', 'integer')
      .addColumn('responded_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('attendance_responses_pk', ['session_id', 'user_id'])
      .execute();
    await db.schema.createIndex('attendance_responses_by_user').on('attendance_responses').columns(['user_id', 'responded_at']).execute();

    await db.schema
      .createTable('attendance_reminders')
      .addColumn('session_id', 'text', (c) => c.notNull().references('attendance_sessions.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addPrimaryKeyConstraint('attendance_reminders_pk', ['session_id', 'user_id'])
      .execute();
    await db.schema.createIndex('attendance_reminders_by_due').on('attendance_reminders').columns(['sent_at', 'due_at']).execute();
  },
};
