/**
 * Attendance sessions: planning, editing and cancelling them, members' answers with a capacity and a
 * waitlist, the attendance lists, CSV export, members' history, weekly recurrence and reminders. The service
 * never talks to Discord: each call returns what changed — who was promoted from the waitlist, who said Yes
 * to a cancelled session — and the Discord side tells them. Answers to one session are decided and written
 * in one transaction holding the session's row lock, so answers given at the same moment all count exactly.
 */
import { randomUUID } from 'node:crypto';
import type {
  AttendanceHistoryEntry,
  AttendanceReminderRecord,
  AttendanceRepository,
  AttendanceResponseRecord,
  AttendanceSessionChanges,
  AttendanceSessionRecord,
  SessionListFilter,
} from '../../storage/attendance-repository.ts';
import type { AttendanceAnswer } from '../../storage/schema.ts';
import { attendanceCsv } from './attendance-csv.ts';
import { nextOccurrenceTimes } from './attendance-recurrence.ts';
import { decideAnswer, fillPlaces, isConfirmed, type AttendanceRefusal } from './attendance-rules.ts';
import { summarize, type AttendanceSummary } from './attendance-summary.ts';
import { icsFeed } from './ics-feed.ts';
import { checkSessionPlan } from './session-validation.ts';

export type SessionRef = { guildId: string; sessionId: string };

export type CreateSessionInput = {
  guildId: string;
  channelId: string;
  title: string;
  description?: string;
  startsAt: number;
  endsAt: number;
  /** IANA zone, e.g. Europe/Berlin. */
  timezone: string;
  capacity?: number | null;
  allowedRoleIds?: readonly string[];
  recurrence?: 'weekly' | null;
  /** With `weekly`; defaults to 1. */
  intervalWeeks?: number | null;
  createdBy: string;
  appId?: string | null;
  reminderMinutesBefore?: number | null;
};

export type SessionEdit = Partial<
  Pick<
    AttendanceSessionRecord,
    'title' | 'description' | 'channelId' | 'startsAt' | 'endsAt' | 'timezone' | 'capacity' | 'recurrence' | 'intervalWeeks' | 'reminderMinutesBefore'
  >
> & { allowedRoleIds?: readonly string[] };

export type RespondInput = {
  userId: string;
  answer: AttendanceAnswer;
  /** The member's roles, checked against the session's; absent when an admin answers for them. */
  roleIds?: readonly string[];
};

export type SessionResult = { ok: true; session: AttendanceSessionRecord };

export type SessionEditResult = SessionResult & { previous: AttendanceSessionRecord; promoted: AttendanceResponseRecord[] };

export type SessionCancelResult = SessionResult & { previous: AttendanceSessionRecord; notifyUserIds: string[] };

export type RespondResult = SessionResult & {
  response: AttendanceResponseRecord;
  previous: AttendanceResponseRecord | null;
  /** False when the member gave the same answer again. */
  changed: boolean;
  /** Moved from the waitlist to a place by this answer: tell them. */
  promoted: AttendanceResponseRecord[];
  summary: AttendanceSummary;
};

export type NextOccurrenceResult = SessionResult & { created: boolean };

export type DueReminder = { reminder: AttendanceReminderRecord; session: AttendanceSessionRecord };

export type AttendanceServiceOptions = { repository: AttendanceRepository; clock?: () => number };

/** Answers that get a reminder (a waiting Yes gets one once promoted). */
function wantsReminder(response: AttendanceResponseRecord): boolean {
  return isConfirmed(response) || response.answer === 'maybe' || response.answer === 'late';
}

function notFound(ref: SessionRef): AttendanceRefusal {
  return { ok: false, code: 'not_found', reason: `There is no session ${ref.sessionId} in this server.` };
}

/** Thrown inside a transaction to roll it back with a refusal. */
class Refused extends Error {
  readonly refusal: AttendanceRefusal;
  constructor(refusal: AttendanceRefusal) {
    super(refusal.reason);
    this.refusal = refusal;
  }
}

async function refusing<T>(work: () => Promise<T>): Promise<T | AttendanceRefusal> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
}

export class AttendanceService {
  readonly #repository: AttendanceRepository;
  readonly #clock: () => number;

  constructor(options: AttendanceServiceOptions) {
    this.#repository = options.repository;
    this.#clock = options.clock ?? Date.now;
  }

  async create(input: CreateSessionInput): Promise<SessionResult | AttendanceRefusal> {
    const recurrence = input.recurrence ?? null;
    const plan = {
      title: input.title,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      timezone: input.timezone,
      capacity: input.capacity ?? null,
      recurrence,
      intervalWeeks: recurrence === 'weekly' ? (input.intervalWeeks ?? 1) : (input.intervalWeeks ?? null),
      reminderMinutesBefore: input.reminderMinutesBefore ?? null,
    };
    const verdict = checkSessionPlan(plan);
    if (!verdict.ok) return verdict;
    const now = this.#clock();
    const id = randomUUID();
    const session: AttendanceSessionRecord = {
      id,
      guildId: input.guildId,
      channelId: input.channelId,
      messageId: null,
      description: input.description ?? '',
      ...plan,
      title: plan.title.trim(),
      allowedRoleIds: [...(input.allowedRoleIds ?? [])],
      seriesId: id,
      occurrenceIndex: 0,
      status: 'scheduled',
      createdBy: input.createdBy,
      appId: input.appId ?? null,
      calendarEventId: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.#repository.insertSession(session);
    return { ok: true, session };
  }

  /** The session, if it is one of the guild's. */
  async get(ref: SessionRef): Promise<AttendanceSessionRecord | undefined> {
    const session = await this.#repository.getSession(ref.sessionId);
    return session?.guildId === ref.guildId ? session : undefined;
  }

  /** The session whose Discord message this is (for button clicks). */
  byMessage(messageId: string): Promise<AttendanceSessionRecord | undefined> {
    return this.#repository.byMessage(messageId);
  }

  list(filter: Omit<SessionListFilter, 'now'> & { now?: number }): Promise<{ sessions: AttendanceSessionRecord[]; total: number }> {
    return this.#repository.listSessions({ ...filter, now: filter.now ?? this.#clock() });
  }

  /** Records the session's Discord message (the Discord side, once posted) and/or its scheduled event. */
  async attach(ref: SessionRef, ids: { messageId?: string | null; calendarEventId?: string | null }): Promise<AttendanceSessionRecord | undefined> {
    if (!(await this.get(ref))) return undefined;
    const changes: AttendanceSessionChanges = {
      ...(ids.messageId !== undefined ? { messageId: ids.messageId } : {}),
      ...(ids.calendarEventId !== undefined ? { calendarEventId: ids.calendarEventId } : {}),
    };
    return this.#repository.updateSession(ref.sessionId, changes, this.#clock());
  }

  /**
   * Changes the plan. A larger capacity promotes the first in line (returned); a smaller one keeps the places
   * already given. A new start or reminder setting moves the unsent reminders.
   */
  async edit(ref: SessionRef, edit: SessionEdit): Promise<SessionEditResult | AttendanceRefusal> {
    const now = this.#clock();
    return refusing(() =>
      this.#repository.transaction(async (repository) => {
        const previous = await repository.lockSession(ref.sessionId);
        if (!previous || previous.guildId !== ref.guildId) throw new Refused(notFound(ref));
        if (previous.status === 'cancelled') throw new Refused({ ok: false, code: 'conflict', reason: `"${previous.title}" has been cancelled; it cannot be changed.` });
        const { allowedRoleIds, ...fields } = edit;
        const changes: AttendanceSessionChanges = { ...fields, ...(allowedRoleIds !== undefined ? { allowedRoleIds: [...allowedRoleIds] } : {}) };
        if (changes.recurrence === 'weekly' && changes.intervalWeeks === undefined && previous.intervalWeeks === null) changes.intervalWeeks = 1;
        if (changes.recurrence === null) changes.intervalWeeks = null;
        if (changes.title !== undefined) changes.title = changes.title.trim();
        const next = { ...previous, ...changes };
        const verdict = checkSessionPlan(next);
        if (!verdict.ok) throw new Refused(verdict);
        const session = (await repository.updateSession(ref.sessionId, changes, now))!;
        const responses = await repository.responses(session.id);
        const promoted = fillPlaces(responses, session.capacity);
        for (const response of promoted) await repository.saveResponse(response);
        if (session.reminderMinutesBefore === null) await repository.dropUnsentReminders(session.id);
        else if (session.startsAt !== previous.startsAt || session.reminderMinutesBefore !== previous.reminderMinutesBefore) {
          await repository.rescheduleUnsentReminders(session.id, session.startsAt - session.reminderMinutesBefore * 60_000);
        }
        for (const response of promoted) await this.#syncReminder(repository, session, response);
        return { ok: true as const, session, previous, promoted };
      }),
    );
  }

  /** Cancels the session; returns the members who had a place, to be told. Unsent reminders are dropped. */
  async cancel(ref: SessionRef): Promise<SessionCancelResult | AttendanceRefusal> {
    const now = this.#clock();
    return refusing(() =>
      this.#repository.transaction(async (repository) => {
        const previous = await repository.lockSession(ref.sessionId);
        if (!previous || previous.guildId !== ref.guildId) throw new Refused(notFound(ref));
        if (previous.status === 'cancelled') throw new Refused({ ok: false, code: 'conflict', reason: `"${previous.title}" is already cancelled.` });
        const session = (await repository.updateSession(ref.sessionId, { status: 'cancelled' }, now))!;
        await repository.dropUnsentReminders(session.id);
        const notifyUserIds = summarize(await repository.responses(session.id)).yes.map((r) => r.userId);
        return { ok: true as const, session, previous, notifyUserIds };
      }),
    );
  }

  /** Records a member's answer; see attendance-rules.ts for the capacity and the waitlist. */
  async respond(ref: SessionRef, input: RespondInput): Promise<RespondResult | AttendanceRefusal> {
    const now = this.#clock();
    return refusing(() =>
      this.#repository.transaction(async (repository) => {
        const session = await repository.lockSession(ref.sessionId);
        if (!session || session.guildId !== ref.guildId) throw new Refused(notFound(ref));
        const responses = await repository.responses(session.id);
        const decision = decideAnswer({ session, responses, now, ...input });
        if (!decision.ok) throw new Refused(decision);
        const written = decision.changed ? [decision.response, ...decision.promoted] : [];
        for (const response of written) {
          await repository.saveResponse(response);
          await this.#syncReminder(repository, session, response);
        }
        const after = new Map(responses.map((r) => [r.userId, r]));
        for (const response of written) after.set(response.userId, response);
        const { ok: _ok, ...outcome } = decision;
        return { ok: true as const, session, ...outcome, summary: summarize([...after.values()]) };
      }),
    );
  }

  async attendance(ref: SessionRef): Promise<{ session: AttendanceSessionRecord; summary: AttendanceSummary } | undefined> {
    const session = await this.get(ref);
    return session ? { session, summary: summarize(await this.#repository.responses(session.id)) } : undefined;
  }

  async csv(ref: SessionRef): Promise<string | undefined> {
    const session = await this.get(ref);
    return session ? attendanceCsv(session, await this.#repository.responses(session.id)) : undefined;
  }

  /** The member's answers in the guild, latest session first. */
  history(guildId: string, userId: string, limit = 50): Promise<AttendanceHistoryEntry[]> {
    return this.#repository.history(guildId, userId, limit);
  }

  /**
   * Creates the occurrence after this one of a weekly session, at the same local time in its zone, with no
   * answers. Safe to call from several instances: the series gets it once, and the others get it back with
   * `created: false`.
   */
  async nextOccurrence(session: AttendanceSessionRecord): Promise<NextOccurrenceResult | AttendanceRefusal> {
    if (session.recurrence === null) return { ok: false, code: 'invalid', reason: `"${session.title}" does not repeat.` };
    const now = this.#clock();
    const next: AttendanceSessionRecord = {
      ...session,
      ...nextOccurrenceTimes(session),
      id: randomUUID(),
      occurrenceIndex: session.occurrenceIndex + 1,
      status: 'scheduled',
      messageId: null,
      calendarEventId: null,
      createdAt: now,
      updatedAt: now,
    };
    if (await this.#repository.insertSession(next)) return { ok: true, session: next, created: true };
    const existing = await this.#repository.occurrence(session.seriesId, next.occurrenceIndex);
    if (!existing) throw new Error(`occurrence ${next.occurrenceIndex} of series ${session.seriesId} neither inserted nor found`);
    return { ok: true, session: existing, created: false };
  }

  /** Recurring sessions that have started and have no next occurrence yet. */
  recurringDue(now: number, limit = 100): Promise<AttendanceSessionRecord[]> {
    return this.#repository.recurringStarted(now, limit);
  }

  /** Reminders due now, with their sessions. Claim each before sending it. */
  async dueReminders(now: number, limit = 100): Promise<DueReminder[]> {
    const due: DueReminder[] = [];
    const sessions = new Map<string, AttendanceSessionRecord | undefined>();
    for (const reminder of await this.#repository.dueReminders(now, limit)) {
      if (!sessions.has(reminder.sessionId)) sessions.set(reminder.sessionId, await this.#repository.getSession(reminder.sessionId));
      const session = sessions.get(reminder.sessionId);
      if (session) due.push({ reminder, session });
    }
    return due;
  }

  /** True when this caller won the reminder and must send it; false when someone else has. */
  claimReminder(reminder: Pick<AttendanceReminderRecord, 'sessionId' | 'userId'>, now: number): Promise<boolean> {
    return this.#repository.claimReminder(reminder.sessionId, reminder.userId, now);
  }

  /** Gives back a claimed reminder that could not be sent, so that a later run tries again. */
  releaseReminder(reminder: Pick<AttendanceReminderRecord, 'sessionId' | 'userId'>, claimedAt: number): Promise<void> {
    return this.#repository.releaseReminder(reminder.sessionId, reminder.userId, claimedAt);
  }

  /** The guild's sessions from `sinceMs` before now on, as iCalendar. */
  async guildFeed(guildId: string, options: { name: string; sinceMs?: number; limit?: number }): Promise<string> {
    const now = this.#clock();
    const sessions = await this.#repository.sessionsSince(guildId, now - (options.sinceMs ?? 30 * 86_400_000), options.limit ?? 500);
    return icsFeed({ name: options.name, sessions, now });
  }

  /** The sessions the member said Yes, Maybe or Late to, as iCalendar. */
  async memberFeed(guildId: string, userId: string, options: { name: string; sinceMs?: number; limit?: number }): Promise<string> {
    const now = this.#clock();
    const sessions = await this.#repository.memberSessionsSince(guildId, userId, ['yes', 'maybe', 'late'], now - (options.sinceMs ?? 30 * 86_400_000), options.limit ?? 500);
    return icsFeed({ name: options.name, sessions, now });
  }

  async #syncReminder(repository: AttendanceRepository, session: AttendanceSessionRecord, response: AttendanceResponseRecord): Promise<void> {
    if (session.reminderMinutesBefore !== null && session.status === 'scheduled' && wantsReminder(response)) {
      await repository.scheduleReminder(session.id, response.userId, session.startsAt - session.reminderMinutesBefore * 60_000);
    } else {
      await repository.dropUnsentReminders(session.id, response.userId);
    }
  }
}
