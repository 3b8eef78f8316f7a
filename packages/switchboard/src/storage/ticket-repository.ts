/**
 * Tickets, their messages and transcripts, and the per-guild number counter. Every change of a ticket's
 * state is a compare-and-set on the state it was decided from (`applyIfUnchanged`), so that two staff
 * acting at once never both win: the loser sees no row changed, reads again and is told why.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Tables, TicketMessageSource, TicketMessagesTable, TicketPriority, TicketStatus, TicketsTable } from './schema.ts';

export type TicketRecord = {
  id: string;
  guildId: string;
  number: number;
  categoryId: string | null;
  title: string;
  description: string;
  priority: TicketPriority;
  status: TicketStatus;
  creatorId: string;
  assigneeId: string | null;
  threadId: string | null;
  channelId: string | null;
  closeReason: string | null;
  closedBy: string | null;
  closedAt: number | null;
  lastActivityAt: number;
  warnedAt: number | null;
  rating: number | null;
  createdAt: number;
  updatedAt: number;
};

/** What a state change may set. */
export type TicketChanges = Partial<
  Pick<TicketRecord, 'status' | 'assigneeId' | 'priority' | 'closeReason' | 'closedBy' | 'closedAt' | 'warnedAt' | 'rating' | 'lastActivityAt'>
>;

/** The fields a decision depends on; a change applies only while they still hold these values. */
export type TicketState = Pick<TicketRecord, 'status' | 'assigneeId' | 'priority' | 'rating'>;

export type TicketMessageRecord = {
  id: string;
  ticketId: string;
  discordMessageId: string | null;
  authorId: string;
  authorName: string;
  content: string;
  source: TicketMessageSource;
  createdAt: number;
};

export type TicketTranscriptRecord = { ticketId: string; text: string; html: string; createdAt: number };

/** Tickets opened and closed on one UTC day (`day` is YYYY-MM-DD). */
export type TicketDayCount = { day: string; opened: number; closed: number };

const DAY_MS = 86_400_000;

/** The count of rows per UTC day number (days since the epoch) of a millisecond column. */
function countsByDay(rows: readonly { day: unknown; count: unknown }[]): Map<number, number> {
  return new Map(rows.map((row) => [Number(row.day), Number(row.count)]));
}

export type TicketListFilter = {
  guildId: string;
  status?: TicketStatus;
  categoryId?: string;
  assigneeId?: string;
  creatorId?: string;
  /** Words looked for in the title or description, case-insensitively. */
  search?: string;
  limit: number;
  offset: number;
};

export function toTicketRecord(row: TicketsTable): TicketRecord {
  return {
    id: row.id,
    guildId: row.guild_id,
    number: Number(row.number),
    categoryId: row.category_id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    status: row.status,
    creatorId: row.creator_id,
    assigneeId: row.assignee_id,
    threadId: row.thread_id,
    channelId: row.channel_id,
    closeReason: row.close_reason,
    closedBy: row.closed_by,
    closedAt: row.closed_at === null ? null : Number(row.closed_at),
    lastActivityAt: Number(row.last_activity_at),
    warnedAt: row.warned_at === null ? null : Number(row.warned_at),
    rating: row.rating === null ? null : Number(row.rating),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toMessageRecord(row: TicketMessagesTable): TicketMessageRecord {
  return {
    id: row.id,
    ticketId: row.ticket_id,
    discordMessageId: row.discord_message_id,
    authorId: row.author_id,
    authorName: row.author_name,
    content: row.content,
    source: row.source,
    createdAt: Number(row.created_at),
  };
}

/** `like` pattern for a literal substring: the wildcards of the text itself are escaped. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `column = value`, or `column is null` when the value is null (SQL's `=` never matches null). */
function sameAs<C extends 'assignee_id' | 'rating' | 'warned_at' | 'thread_id'>(eb: ExpressionBuilder<Tables, 'tickets'>, column: C, value: string | number | null) {
  return value === null ? eb(column, 'is', null) : eb(column, '=', value as never);
}

export class TicketRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** Runs `work` in one transaction with a repository bound to it; a throw rolls everything back. */
  transaction<T>(work: (repository: TicketRepository) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new TicketRepository(trx)));
  }

  /**
   * The guild's next ticket number. Call inside the creating transaction: the counter row stays locked
   * until it ends (PostgreSQL), so creations in one guild are serialised from here on, and a rollback gives
   * the number back — no gap, no duplicate.
   */
  async allocateNumber(guildId: string): Promise<number> {
    await this.#db
      .insertInto('ticket_guild_counters')
      .values({ guild_id: guildId, next_number: 1 })
      .onConflict((oc) => oc.column('guild_id').doNothing())
      .execute();
    const row = await this.#db
      .updateTable('ticket_guild_counters')
      .set({ next_number: sql<number>`next_number + 1` })
      .where('guild_id', '=', guildId)
      .returning('next_number')
      .executeTakeFirstOrThrow();
    return Number(row.next_number) - 1;
  }

  async insert(ticket: TicketRecord): Promise<void> {
    await this.#db
      .insertInto('tickets')
      .values({
        id: ticket.id,
        guild_id: ticket.guildId,
        number: ticket.number,
        category_id: ticket.categoryId,
        title: ticket.title,
        description: ticket.description,
        priority: ticket.priority,
        status: ticket.status,
        creator_id: ticket.creatorId,
        assignee_id: ticket.assigneeId,
        thread_id: ticket.threadId,
        channel_id: ticket.channelId,
        close_reason: ticket.closeReason,
        closed_by: ticket.closedBy,
        closed_at: ticket.closedAt,
        last_activity_at: ticket.lastActivityAt,
        warned_at: ticket.warnedAt,
        rating: ticket.rating,
        created_at: ticket.createdAt,
        updated_at: ticket.updatedAt,
      })
      .execute();
  }

  async get(guildId: string, number: number): Promise<TicketRecord | undefined> {
    const row = await this.#db.selectFrom('tickets').selectAll().where('guild_id', '=', guildId).where('number', '=', number).executeTakeFirst();
    return row ? toTicketRecord(row) : undefined;
  }

  async getById(id: string): Promise<TicketRecord | undefined> {
    const row = await this.#db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTicketRecord(row) : undefined;
  }

  async byThread(threadId: string): Promise<TicketRecord | undefined> {
    const row = await this.#db.selectFrom('tickets').selectAll().where('thread_id', '=', threadId).executeTakeFirst();
    return row ? toTicketRecord(row) : undefined;
  }

  /** A page of the guild's tickets, newest number first, and how many match in all. */
  async list(filter: TicketListFilter): Promise<{ tickets: TicketRecord[]; total: number }> {
    let query = this.#db.selectFrom('tickets').where('guild_id', '=', filter.guildId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.categoryId !== undefined) query = query.where('category_id', '=', filter.categoryId);
    if (filter.assigneeId !== undefined) query = query.where('assignee_id', '=', filter.assigneeId);
    if (filter.creatorId !== undefined) query = query.where('creator_id', '=', filter.creatorId);
    if (filter.search !== undefined && filter.search.trim() !== '') {
      // lower() on both sides: PostgreSQL's like is case-sensitive, SQLite's is not.
      const pattern = containsPattern(filter.search.trim());
      query = query.where(sql<boolean>`(lower(title) like ${pattern} escape '\\' or lower(description) like ${pattern} escape '\\')`);
    }
    const counted = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('number', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return { tickets: rows.map(toTicketRecord), total: Number(counted.total) };
  }

  /** The user's tickets in the category (null: without one) that are not closed. */
  async openTicketsOf(guildId: string, creatorId: string, categoryId: string | null): Promise<TicketRecord[]> {
    let query = this.#db.selectFrom('tickets').selectAll().where('guild_id', '=', guildId).where('creator_id', '=', creatorId).where('status', '!=', 'closed');
    query = categoryId === null ? query.where('category_id', 'is', null) : query.where('category_id', '=', categoryId);
    return (await query.orderBy('number').execute()).map(toTicketRecord);
  }

  /** When the user last opened a ticket in the guild. */
  async lastCreatedAt(guildId: string, creatorId: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('tickets')
      .select((eb) => eb.fn.max('created_at').as('last'))
      .where('guild_id', '=', guildId)
      .where('creator_id', '=', creatorId)
      .executeTakeFirst();
    return row?.last === null || row?.last === undefined ? undefined : Number(row.last);
  }

  async countNotClosedInCategory(categoryId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('category_id', '=', categoryId)
      .where('status', '!=', 'closed')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * Applies the changes if the ticket is still in `expected` (and, with `also.warnedAt`, still carries that
   * inactivity warning); the changed ticket, or undefined when it moved on.
   */
  async applyIfUnchanged(id: string, expected: TicketState, changes: TicketChanges, now: number, also: { warnedAt?: number } = {}): Promise<TicketRecord | undefined> {
    let query = this.#db
      .updateTable('tickets')
      .set({
        ...(changes.status !== undefined ? { status: changes.status } : {}),
        ...(changes.assigneeId !== undefined ? { assignee_id: changes.assigneeId } : {}),
        ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
        ...(changes.closeReason !== undefined ? { close_reason: changes.closeReason } : {}),
        ...(changes.closedBy !== undefined ? { closed_by: changes.closedBy } : {}),
        ...(changes.closedAt !== undefined ? { closed_at: changes.closedAt } : {}),
        ...(changes.warnedAt !== undefined ? { warned_at: changes.warnedAt } : {}),
        ...(changes.rating !== undefined ? { rating: changes.rating } : {}),
        ...(changes.lastActivityAt !== undefined ? { last_activity_at: changes.lastActivityAt } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', expected.status)
      .where('priority', '=', expected.priority)
      .where((eb) => eb.and([sameAs(eb, 'assignee_id', expected.assigneeId), sameAs(eb, 'rating', expected.rating)]));
    if (also.warnedAt !== undefined) query = query.where('warned_at', '=', also.warnedAt);
    const row = await query.returningAll().executeTakeFirst();
    return row ? toTicketRecord(row) : undefined;
  }

  /** Records where the ticket's thread is (the Discord side, once it has made it). */
  async setThread(id: string, thread: { threadId: string | null; channelId: string | null }, now: number): Promise<TicketRecord | undefined> {
    const row = await this.#db
      .updateTable('tickets')
      .set({ thread_id: thread.threadId, channel_id: thread.channelId, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toTicketRecord(row) : undefined;
  }

  /** False when a message with the same Discord id is already stored (a redelivered event). */
  async insertMessage(message: TicketMessageRecord): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('ticket_messages')
      .values({
        id: message.id,
        ticket_id: message.ticketId,
        discord_message_id: message.discordMessageId,
        author_id: message.authorId,
        author_name: message.authorName,
        content: message.content,
        source: message.source,
        created_at: message.createdAt,
      })
      .onConflict((oc) => oc.column('discord_message_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async messageByDiscordId(discordMessageId: string): Promise<TicketMessageRecord | undefined> {
    const row = await this.#db.selectFrom('ticket_messages').selectAll().where('discord_message_id', '=', discordMessageId).executeTakeFirst();
    return row ? toMessageRecord(row) : undefined;
  }

  /** The ticket's messages in the order they were written. */
  async messages(ticketId: string): Promise<TicketMessageRecord[]> {
    const rows = await this.#db.selectFrom('ticket_messages').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toMessageRecord);
  }

  /** Stores the transcript, replacing the one of an earlier close (a reopened ticket closed again). */
  async saveTranscript(transcript: TicketTranscriptRecord): Promise<void> {
    await this.#db
      .insertInto('ticket_transcripts')
      .values({ ticket_id: transcript.ticketId, text: transcript.text, html: transcript.html, created_at: transcript.createdAt })
      .onConflict((oc) => oc.column('ticket_id').doUpdateSet({ text: transcript.text, html: transcript.html, created_at: transcript.createdAt }))
      .execute();
  }

  async transcript(ticketId: string): Promise<TicketTranscriptRecord | undefined> {
    const row = await this.#db.selectFrom('ticket_transcripts').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
    return row ? { ticketId: row.ticket_id, text: row.text, html: row.html, createdAt: Number(row.created_at) } : undefined;
  }

  /** Not-closed tickets in `statuses`, not warned yet, without activity since `inactiveSince`. */
  async unwarnedInactive(statuses: readonly TicketStatus[], inactiveSince: number, limit: number): Promise<TicketRecord[]> {
    if (statuses.length === 0) return [];
    const rows = await this.#db
      .selectFrom('tickets')
      .selectAll()
      .where('status', 'in', statuses.filter((s) => s !== 'closed'))
      .where('warned_at', 'is', null)
      .where('last_activity_at', '<=', inactiveSince)
      .orderBy('last_activity_at')
      .limit(limit)
      .execute();
    return rows.map(toTicketRecord);
  }

  /** Not-closed tickets in `statuses` warned at or before `warnedBefore` (activity clears the warning). */
  async warnedBefore(statuses: readonly TicketStatus[], warnedBefore: number, limit: number): Promise<TicketRecord[]> {
    if (statuses.length === 0) return [];
    const rows = await this.#db
      .selectFrom('tickets')
      .selectAll()
      .where('status', 'in', statuses.filter((s) => s !== 'closed'))
      .where('warned_at', '<=', warnedBefore)
      .orderBy('warned_at')
      .limit(limit)
      .execute();
    return rows.map(toTicketRecord);
  }

  /** Marks the inactivity warning, unless the ticket saw activity or a warning since it was read. */
  async markWarned(id: string, lastActivityAt: number, now: number): Promise<TicketRecord | undefined> {
    const row = await this.#db
      .updateTable('tickets')
      .set({ warned_at: now })
      .where('id', '=', id)
      .where('status', '!=', 'closed')
      .where('warned_at', 'is', null)
      .where('last_activity_at', '=', lastActivityAt)
      .returningAll()
      .executeTakeFirst();
    return row ? toTicketRecord(row) : undefined;
  }

  /** Takes back a warning that could not be delivered, so that the next run tries again. */
  async unmarkWarned(id: string, warnedAt: number): Promise<void> {
    await this.#db.updateTable('tickets').set({ warned_at: null }).where('id', '=', id).where('warned_at', '=', warnedAt).execute();
  }

  /** Closed tickets closed at or before `closedBefore` that still have a thread. */
  async closedWithThreadBefore(closedBefore: number, limit: number): Promise<TicketRecord[]> {
    const rows = await this.#db
      .selectFrom('tickets')
      .selectAll()
      .where('status', '=', 'closed')
      .where('thread_id', 'is not', null)
      .where('closed_at', '<=', closedBefore)
      .orderBy('closed_at')
      .limit(limit)
      .execute();
    return rows.map(toTicketRecord);
  }

  /**
   * Forgets the thread of a ticket that is still closed since before `closedBefore`, so that it can be
   * deleted: a ticket reopened meanwhile keeps its thread. True when the thread is now the caller's to delete.
   */
  async releaseThread(id: string, threadId: string, closedBefore: number, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('tickets')
      .set({ thread_id: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'closed')
      .where('closed_at', '<=', closedBefore)
      .where((eb) => sameAs(eb, 'thread_id', threadId))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Puts back a released thread whose deletion failed, if nothing else took its place. */
  /**
   * Tickets opened and closed per UTC day over the last `days` days up to and including today, oldest first;
   * every day is listed, with zeros on quiet days. A reopened ticket counts as closed on its latest close.
   */
  async openedAndClosedPerDay(guildId: string, days: number, now: number): Promise<TicketDayCount[]> {
    const today = Math.floor(now / DAY_MS);
    const from = (today - days + 1) * DAY_MS;
    const to = (today + 1) * DAY_MS;
    // Integer division by a literal is a whole day number on both databases (bigint on PostgreSQL, integer on SQLite).
    const dayOf = (column: 'created_at' | 'closed_at') => sql<number>`${sql.ref(column)} / ${sql.lit(DAY_MS)}`;
    const opened = await this.#db
      .selectFrom('tickets')
      .select([dayOf('created_at').as('day'), (eb) => eb.fn.countAll<number>().as('count')])
      .where('guild_id', '=', guildId)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy(dayOf('created_at'))
      .execute();
    const closed = await this.#db
      .selectFrom('tickets')
      .select([dayOf('closed_at').as('day'), (eb) => eb.fn.countAll<number>().as('count')])
      .where('guild_id', '=', guildId)
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to)
      .groupBy(dayOf('closed_at'))
      .execute();
    const openedByDay = countsByDay(opened);
    const closedByDay = countsByDay(closed);
    return Array.from({ length: days }, (_, index) => {
      const day = today - days + 1 + index;
      return { day: new Date(day * DAY_MS).toISOString().slice(0, 10), opened: openedByDay.get(day) ?? 0, closed: closedByDay.get(day) ?? 0 };
    });
  }

  async restoreThread(id: string, threadId: string): Promise<void> {
    await this.#db.updateTable('tickets').set({ thread_id: threadId }).where('id', '=', id).where('thread_id', 'is', null).execute();
  }
}
