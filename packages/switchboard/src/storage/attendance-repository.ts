/**
 * Attendance sessions, answers and reminders. Answers to one session are decided and written while the
 * session row is locked (`lockSession`, inside a transaction), so that answers arriving at the same moment
 * are applied one after the other and the counts and waitlist stay exact. A reminder is claimed by a
 * conditional update before it is sent, so it is sent once however many instances look at it.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type {
  AttendanceAnswer,
  AttendanceRecurrence,
  AttendanceResponsesTable,
  AttendanceSessionStatus,
  AttendanceSessionsTable,
  Tables,
} from './schema.ts';

export type AttendanceSessionRecord = {
  id: string;
  guildId: string;
  channelId: string;
  messageId: string | null;
  title: string;
  description: string;
  startsAt: number;
  endsAt: number;
  timezone: string;
  capacity: number | null;
  allowedRoleIds: string[];
  recurrence: AttendanceRecurrence | null;
  intervalWeeks: number | null;
  seriesId: string;
  occurrenceIndex: number;
  status: AttendanceSessionStatus;
  createdBy: string;
  appId: string | null;
  reminderMinutesBefore: number | null;
  calendarEventId: string | null;
  createdAt: number;
  updatedAt: number;
};

export type AttendanceSessionChanges = Partial<
  Pick<
    AttendanceSessionRecord,
    | 'title'
    | 'description'
    | 'channelId'
    | 'messageId'
    | 'startsAt'
    | 'endsAt'
    | 'timezone'
    | 'capacity'
    | 'allowedRoleIds'
    | 'recurrence'
    | 'intervalWeeks'
    | 'status'
    | 'reminderMinutesBefore'
    | 'calendarEventId'
  >
>;

export type AttendanceResponseRecord = {
  sessionId: string;
  userId: string;
  answer: AttendanceAnswer;
  /** Set for a Yes waiting for a place; smaller goes first. */
  waitlistPosition: number | null;
  respondedAt: number;
};

export type AttendanceReminderRecord = { sessionId: string; userId: string; dueAt: number; sentAt: number | null };

export type SessionListFilter = { guildId: string; when: 'upcoming' | 'past'; now: number; limit: number; offset: number };

export type AttendanceHistoryEntry = { session: AttendanceSessionRecord; response: AttendanceResponseRecord };

/** One past session and how many gave each answer; `yes` holds a place, `waitlisted` said yes and waited. */
export type SessionAnswerCounts = { sessionId: string; title: string; startsAt: number; yes: number; maybe: number; late: number; no: number; waitlisted: number };

export function toSessionRecord(row: AttendanceSessionsTable): AttendanceSessionRecord {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    messageId: row.message_id,
    title: row.title,
    description: row.description,
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    timezone: row.timezone,
    capacity: row.capacity === null ? null : Number(row.capacity),
    allowedRoleIds: JSON.parse(row.allowed_role_ids) as string[],
    recurrence: row.recurrence,
    intervalWeeks: row.interval_weeks === null ? null : Number(row.interval_weeks),
    seriesId: row.series_id,
    occurrenceIndex: Number(row.occurrence_index),
    status: row.status,
    createdBy: row.created_by,
    appId: row.app_id,
    reminderMinutesBefore: row.reminder_minutes_before === null ? null : Number(row.reminder_minutes_before),
    calendarEventId: row.calendar_event_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toResponseRecord(row: AttendanceResponsesTable): AttendanceResponseRecord {
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    answer: row.answer,
    waitlistPosition: row.waitlist_position === null ? null : Number(row.waitlist_position),
    respondedAt: Number(row.responded_at),
  };
}

function sessionColumns(changes: AttendanceSessionChanges): Partial<AttendanceSessionsTable> {
  return {
    ...(changes.title !== undefined ? { title: changes.title } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    ...(changes.channelId !== undefined ? { channel_id: changes.channelId } : {}),
    ...(changes.messageId !== undefined ? { message_id: changes.messageId } : {}),
    ...(changes.startsAt !== undefined ? { starts_at: changes.startsAt } : {}),
    ...(changes.endsAt !== undefined ? { ends_at: changes.endsAt } : {}),
    ...(changes.timezone !== undefined ? { timezone: changes.timezone } : {}),
    ...(changes.capacity !== undefined ? { capacity: changes.capacity } : {}),
    ...(changes.allowedRoleIds !== undefined ? { allowed_role_ids: JSON.stringify(changes.allowedRoleIds) } : {}),
    ...(changes.recurrence !== undefined ? { recurrence: changes.recurrence } : {}),
    ...(changes.intervalWeeks !== undefined ? { interval_weeks: changes.intervalWeeks } : {}),
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.reminderMinutesBefore !== undefined ? { reminder_minutes_before: changes.reminderMinutesBefore } : {}),
    ...(changes.calendarEventId !== undefined ? { calendar_event_id: changes.calendarEventId } : {}),
  };
}

export class AttendanceRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** Runs `work` in one transaction with a repository bound to it; a throw rolls everything back. */
  transaction<T>(work: (repository: AttendanceRepository) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new AttendanceRepository(trx)));
  }

  /** False when the series already has an occurrence with this index (another instance made it). */
  async insertSession(session: AttendanceSessionRecord): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('attendance_sessions')
      .values({
        id: session.id,
        guild_id: session.guildId,
        channel_id: session.channelId,
        message_id: session.messageId,
        title: session.title,
        description: session.description,
        starts_at: session.startsAt,
        ends_at: session.endsAt,
        timezone: session.timezone,
        capacity: session.capacity,
        allowed_role_ids: JSON.stringify(session.allowedRoleIds),
        recurrence: session.recurrence,
        interval_weeks: session.intervalWeeks,
        series_id: session.seriesId,
        occurrence_index: session.occurrenceIndex,
        status: session.status,
        created_by: session.createdBy,
        app_id: session.appId,
        reminder_minutes_before: session.reminderMinutesBefore,
        calendar_event_id: session.calendarEventId,
        created_at: session.createdAt,
        updated_at: session.updatedAt,
      })
      .onConflict((oc) => oc.columns(['series_id', 'occurrence_index']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async getSession(id: string): Promise<AttendanceSessionRecord | undefined> {
    const row = await this.#db.selectFrom('attendance_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSessionRecord(row) : undefined;
  }

  async occurrence(seriesId: string, occurrenceIndex: number): Promise<AttendanceSessionRecord | undefined> {
    const row = await this.#db
      .selectFrom('attendance_sessions')
      .selectAll()
      .where('series_id', '=', seriesId)
      .where('occurrence_index', '=', occurrenceIndex)
      .executeTakeFirst();
    return row ? toSessionRecord(row) : undefined;
  }

  async byMessage(messageId: string): Promise<AttendanceSessionRecord | undefined> {
    const row = await this.#db.selectFrom('attendance_sessions').selectAll().where('message_id', '=', messageId).executeTakeFirst();
    return row ? toSessionRecord(row) : undefined;
  }

  /**
   * Reads the session and locks its row until the transaction ends (a no-op update: on PostgreSQL it takes
   * the row lock, on SQLite the write lock), so that concurrent answers to it wait their turn.
   */
  async lockSession(id: string): Promise<AttendanceSessionRecord | undefined> {
    const row = await this.#db
      .updateTable('attendance_sessions')
      .set({ updated_at: sql<number>`updated_at` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toSessionRecord(row) : undefined;
  }

  async updateSession(id: string, changes: AttendanceSessionChanges, now: number): Promise<AttendanceSessionRecord | undefined> {
    const row = await this.#db
      .updateTable('attendance_sessions')
      .set({ ...sessionColumns(changes), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toSessionRecord(row) : undefined;
  }

  /** Upcoming: not ended yet, soonest first; past: ended, latest first. */
  async listSessions(filter: SessionListFilter): Promise<{ sessions: AttendanceSessionRecord[]; total: number }> {
    const upcoming = filter.when === 'upcoming';
    const query = this.#db
      .selectFrom('attendance_sessions')
      .where('guild_id', '=', filter.guildId)
      .where('ends_at', upcoming ? '>' : '<=', filter.now);
    const counted = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('starts_at', upcoming ? 'asc' : 'desc')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
    return { sessions: rows.map(toSessionRecord), total: Number(counted.total) };
  }

  /** The guild's sessions ending after `since`, by start. */
  async sessionsSince(guildId: string, since: number, limit: number): Promise<AttendanceSessionRecord[]> {
    const rows = await this.#db
      .selectFrom('attendance_sessions')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('ends_at', '>', since)
      .orderBy('starts_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toSessionRecord);
  }

  /** The guild's sessions ending after `since` that the member answered with one of `answers`, by start. */
  async memberSessionsSince(guildId: string, userId: string, answers: readonly AttendanceAnswer[], since: number, limit: number): Promise<AttendanceSessionRecord[]> {
    const rows = await this.#db
      .selectFrom('attendance_sessions as s')
      .innerJoin('attendance_responses as r', 'r.session_id', 's.id')
      .selectAll('s')
      .where('s.guild_id', '=', guildId)
      .where('r.user_id', '=', userId)
      .where('r.answer', 'in', answers)
      .where('s.ends_at', '>', since)
      .orderBy('s.starts_at')
      .orderBy('s.id')
      .limit(limit)
      .execute();
    return rows.map(toSessionRecord);
  }

  /** Recurring sessions that have started and are the latest of their series: each is owed a next one. */
  async recurringStarted(now: number, limit: number): Promise<AttendanceSessionRecord[]> {
    const rows = await this.#db
      .selectFrom('attendance_sessions as s')
      .selectAll('s')
      .where('s.recurrence', 'is not', null)
      .where('s.starts_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('attendance_sessions as n')
              .select('n.id')
              .whereRef('n.series_id', '=', 's.series_id')
              .whereRef('n.occurrence_index', '>', 's.occurrence_index'),
          ),
        ),
      )
      .orderBy('s.starts_at')
      .limit(limit)
      .execute();
    return rows.map(toSessionRecord);
  }

  /** The session's answers, in the order they were given. */
  async responses(sessionId: string): Promise<AttendanceResponseRecord[]> {
    const rows = await this.#db
      .selectFrom('attendance_responses')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('responded_at')
      .orderBy('user_id')
      .execute();
    return rows.map(toResponseRecord);
  }

  async saveResponse(response: AttendanceResponseRecord): Promise<void> {
    const values = { answer: response.answer, waitlist_position: response.waitlistPosition, responded_at: response.respondedAt };
    await this.#db
      .insertInto('attendance_responses')
      .values({ session_id: response.sessionId, user_id: response.userId, ...values })
      .onConflict((oc) => oc.columns(['session_id', 'user_id']).doUpdateSet(values))
      .execute();
  }

  /** The member's answers in the guild with their sessions, latest session first. */
  async history(guildId: string, userId: string, limit: number): Promise<AttendanceHistoryEntry[]> {
    const rows = await this.#db
      .selectFrom('attendance_responses as r')
      .innerJoin('attendance_sessions as s', 's.id', 'r.session_id')
      .selectAll('s')
      .select(['r.answer', 'r.waitlist_position', 'r.responded_at', 'r.user_id'])
      .where('s.guild_id', '=', guildId)
      .where('r.user_id', '=', userId)
      .orderBy('s.starts_at', 'desc')
      .orderBy('s.id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      session: toSessionRecord(row),
      response: toResponseRecord({ session_id: row.id, user_id: row.user_id, answer: row.answer, waitlist_position: row.waitlist_position, responded_at: row.responded_at }),
    }));
  }

  /**
   * The guild's sessions that started at or after `since` and ended by `now`, oldest first, with their
   * answers counted (the latest `limit` of them). Cancelled sessions are left out: nobody attended them.
   */
  async pastAnswerCounts(guildId: string, since: number, now: number, limit: number): Promise<SessionAnswerCounts[]> {
    const count = (condition: RawBuilder<boolean>) => sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
    const rows = await this.#db
      .selectFrom('attendance_sessions as s')
      .leftJoin('attendance_responses as r', 'r.session_id', 's.id')
      .select(['s.id', 's.title', 's.starts_at'])
      .select([
        count(sql<boolean>`r.answer = 'yes' and r.waitlist_position is null`).as('yes'),
        count(sql<boolean>`r.answer = 'yes' and r.waitlist_position is not null`).as('waitlisted'),
        count(sql<boolean>`r.answer = 'maybe'`).as('maybe'),
        count(sql<boolean>`r.answer = 'late'`).as('late'),
        count(sql<boolean>`r.answer = 'no'`).as('no'),
      ])
      .where('s.guild_id', '=', guildId)
      .where('s.status', '!=', 'cancelled')
      .where('s.starts_at', '>=', since)
      .where('s.ends_at', '<=', now)
      .groupBy(['s.id', 's.title', 's.starts_at'])
      // Newest first for the limit (a long window keeps its latest sessions), then turned round.
      .orderBy('s.starts_at', 'desc')
      .orderBy('s.id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((row) => ({
      sessionId: row.id,
      title: row.title,
      startsAt: Number(row.starts_at),
      yes: Number(row.yes),
      maybe: Number(row.maybe),
      late: Number(row.late),
      no: Number(row.no),
      waitlisted: Number(row.waitlisted),
    }));
  }

  /** Schedules (or moves) the member's reminder; one already sent stays as it is. */
  async scheduleReminder(sessionId: string, userId: string, dueAt: number): Promise<void> {
    await this.#db
      .insertInto('attendance_reminders')
      .values({ session_id: sessionId, user_id: userId, due_at: dueAt, sent_at: null })
      .onConflict((oc) => oc.columns(['session_id', 'user_id']).doUpdateSet({ due_at: dueAt }).where('attendance_reminders.sent_at', 'is', null))
      .execute();
  }

  /** Drops unsent reminders of the session (of one member when `userId` is given). */
  async dropUnsentReminders(sessionId: string, userId?: string): Promise<void> {
    let query = this.#db.deleteFrom('attendance_reminders').where('session_id', '=', sessionId).where('sent_at', 'is', null);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    await query.execute();
  }

  /** Moves every unsent reminder of the session to `dueAt`. */
  async rescheduleUnsentReminders(sessionId: string, dueAt: number): Promise<void> {
    await this.#db.updateTable('attendance_reminders').set({ due_at: dueAt }).where('session_id', '=', sessionId).where('sent_at', 'is', null).execute();
  }

  async reminders(sessionId: string): Promise<AttendanceReminderRecord[]> {
    const rows = await this.#db.selectFrom('attendance_reminders').selectAll().where('session_id', '=', sessionId).orderBy('user_id').execute();
    return rows.map((r) => ({ sessionId: r.session_id, userId: r.user_id, dueAt: Number(r.due_at), sentAt: r.sent_at === null ? null : Number(r.sent_at) }));
  }

  /** Unsent reminders due by `now` of scheduled sessions that have not started, earliest first. */
  async dueReminders(now: number, limit: number): Promise<AttendanceReminderRecord[]> {
    const rows = await this.#db
      .selectFrom('attendance_reminders as m')
      .innerJoin('attendance_sessions as s', 's.id', 'm.session_id')
      .select(['m.session_id', 'm.user_id', 'm.due_at', 'm.sent_at'])
      .where('m.sent_at', 'is', null)
      .where('m.due_at', '<=', now)
      .where('s.status', '=', 'scheduled')
      .where('s.starts_at', '>', now)
      .orderBy('m.due_at')
      .orderBy('m.session_id')
      .orderBy('m.user_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ sessionId: r.session_id, userId: r.user_id, dueAt: Number(r.due_at), sentAt: null }));
  }

  /** Marks the reminder sent if nobody has: true when the caller now owns sending it. */
  async claimReminder(sessionId: string, userId: string, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('attendance_reminders')
      .set({ sent_at: now })
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('sent_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Takes back a claim whose sending failed, so that a later run tries again. */
  async releaseReminder(sessionId: string, userId: string, sentAt: number): Promise<void> {
    await this.#db
      .updateTable('attendance_reminders')
      .set({ sent_at: null })
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('sent_at', '=', sentAt)
      .execute();
  }
}
