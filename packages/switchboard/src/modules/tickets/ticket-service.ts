/**
 * Support tickets: opening, replying, assigning, status and priority, closing with a transcript, reopening,
 * rating, warnings and the blocklist, and the facts the auto-close and thread-cleanup jobs act on. The service
 * never talks to Discord: each call returns what changed (see ticket-results.ts) and the Discord side mirrors
 * it. Every state change is decided by `decide` and applied as a compare-and-set, retried from a fresh read
 * when someone else changed the ticket first — so of two staff assigning at once exactly one wins, and the
 * other is told who has it.
 */
import { randomUUID } from 'node:crypto';
import type { TicketCategoryRecord, TicketCategoryRepository } from '../../storage/ticket-category-repository.ts';
import type { TicketBlockRecord, TicketModerationRepository, TicketWarningRecord } from '../../storage/ticket-moderation-repository.ts';
import type {
  TicketChanges,
  TicketListFilter,
  TicketMessageRecord,
  TicketRecord,
  TicketRepository,
  TicketTranscriptRecord,
} from '../../storage/ticket-repository.ts';
import type { TicketMessageSource, TicketPriority, TicketStatus } from '../../storage/schema.ts';
import { checkTicketCreation, DEFAULT_TICKET_CREATION_LIMITS, type TicketCreationLimits, type TicketCreationRefusal } from './ticket-creation-rules.ts';
import { decide, type TicketAction, type TicketActor } from './ticket-lifecycle.ts';
import { notFound, type TicketChange, type TicketCloseChange, type TicketMessageChange, type TicketRef, type TicketRefusal } from './ticket-results.ts';
import { transcriptHtml, transcriptText } from './ticket-transcript.ts';

/** `closed_by` of tickets the auto-close job closes. */
export const AUTO_CLOSE_ACTOR_ID = 'auto-close';

/** Compare-and-set attempts before giving up; only a ticket changed many times within milliseconds gets there. */
const MAX_ATTEMPTS = 5;

export type TicketServiceOptions = {
  tickets: TicketRepository;
  categories: TicketCategoryRepository;
  moderation: TicketModerationRepository;
  limits?: Partial<TicketCreationLimits>;
  clock?: () => number;
};

export type CreateTicketInput = {
  guildId: string;
  /** The category's id or exact name; null or absent for none. */
  category?: string | null;
  title: string;
  description: string;
  priority?: TicketPriority;
  creatorId: string;
};

export type AddMessageInput = {
  authorId: string;
  authorName: string;
  content: string;
  source: TicketMessageSource;
  /** Set for messages seen in the ticket's thread; a second message with the same id is a duplicate. */
  discordMessageId?: string | null;
  /** Whether the author is staff (the Discord side knows from their roles, see isTicketStaff). */
  isStaff: boolean;
};

export type AutoCloseCandidates = { toWarn: TicketRecord[]; toClose: TicketRecord[] };

export type AutoCloseRules = {
  /** Inactivity after which the requester is warned. */
  warnAfterMs: number;
  /** Inactivity after which the ticket closes; the warning always comes at least `closeAfterMs - warnAfterMs` before. */
  closeAfterMs: number;
  /** Which tickets the rules apply to (default: every status but closed). */
  statuses?: readonly Exclude<TicketStatus, 'closed'>[];
  /** At most this many of each kind per call. */
  limit?: number;
};

export const NOT_CLOSED: readonly Exclude<TicketStatus, 'closed'>[] = ['open', 'assigned', 'pending'];

/** Thrown inside a transaction to roll it back when the ticket changed since it was read. */
class StaleTicket extends Error {}

/** Thrown inside the creating transaction to roll it back (and give the number back) with a refusal. */
class CreationRefused extends Error {
  readonly refusal: TicketCreationRefusal;
  constructor(refusal: TicketCreationRefusal) {
    super(refusal.reason);
    this.refusal = refusal;
  }
}

function tooBusy(ref: TicketRef): TicketRefusal {
  return { ok: false, code: 'conflict', reason: `Ticket #${ref.number} is being changed by someone else right now; try again.` };
}

export class TicketService {
  readonly #tickets: TicketRepository;
  readonly #categories: TicketCategoryRepository;
  readonly #moderation: TicketModerationRepository;
  readonly #limits: TicketCreationLimits;
  readonly #clock: () => number;

  constructor(options: TicketServiceOptions) {
    this.#tickets = options.tickets;
    this.#categories = options.categories;
    this.#moderation = options.moderation;
    this.#limits = { ...DEFAULT_TICKET_CREATION_LIMITS, ...options.limits };
    this.#clock = options.clock ?? Date.now;
  }

  /** Finds a category of the guild by id, then by exact name. */
  async resolveCategory(guildId: string, idOrName: string): Promise<TicketCategoryRecord | undefined> {
    return (await this.#categories.get(guildId, idOrName)) ?? (await this.#categories.findByName(guildId, idOrName));
  }

  async create(input: CreateTicketInput): Promise<TicketChange | TicketRefusal> {
    let category: TicketCategoryRecord | null = null;
    if (input.category !== undefined && input.category !== null) {
      const found = await this.resolveCategory(input.guildId, input.category);
      if (!found) return { ok: false, code: 'unknown_category', reason: `There is no ticket category "${input.category}" in this server.` };
      category = found;
    }
    // Outside the transaction: on SQLite the transaction holds the only connection.
    const block = await this.#moderation.blockOf(input.guildId, input.creatorId);
    const now = this.#clock();
    try {
      const ticket = await this.#tickets.transaction(async (tickets) => {
        // First the counter: from here on, creations in this guild wait for this one, so the checks below
        // see every ticket committed before (two quick clicks cannot both pass the limit).
        const number = await tickets.allocateNumber(input.guildId);
        const verdict = checkTicketCreation(
          {
            now,
            block,
            categoryName: category?.name ?? null,
            openInCategory: await tickets.openTicketsOf(input.guildId, input.creatorId, category?.id ?? null),
            lastCreatedAt: await tickets.lastCreatedAt(input.guildId, input.creatorId),
          },
          this.#limits,
        );
        if (!verdict.ok) throw new CreationRefused(verdict);
        const record: TicketRecord = {
          id: randomUUID(),
          guildId: input.guildId,
          number,
          categoryId: category?.id ?? null,
          title: input.title,
          description: input.description,
          priority: input.priority ?? 'normal',
          status: 'open',
          creatorId: input.creatorId,
          assigneeId: null,
          threadId: null,
          channelId: null,
          closeReason: null,
          closedBy: null,
          closedAt: null,
          lastActivityAt: now,
          warnedAt: null,
          rating: null,
          createdAt: now,
          updatedAt: now,
        };
        await tickets.insert(record);
        return record;
      });
      return { ok: true, event: 'created', ticket, previous: null, category };
    } catch (error) {
      if (error instanceof CreationRefused) return error.refusal;
      throw error;
    }
  }

  async get(ref: TicketRef): Promise<TicketRecord | undefined> {
    return this.#tickets.get(ref.guildId, ref.number);
  }

  /** The ticket with its category and messages. */
  async details(ref: TicketRef): Promise<{ ticket: TicketRecord; category: TicketCategoryRecord | null; messages: TicketMessageRecord[] } | undefined> {
    const ticket = await this.#tickets.get(ref.guildId, ref.number);
    if (!ticket) return undefined;
    return { ticket, category: await this.#categoryOf(ticket), messages: await this.#tickets.messages(ticket.id) };
  }

  /** The ticket whose thread this is (the Discord side, for messages and clicks in a thread). */
  byThread(threadId: string): Promise<TicketRecord | undefined> {
    return this.#tickets.byThread(threadId);
  }

  list(filter: TicketListFilter): Promise<{ tickets: TicketRecord[]; total: number }> {
    return this.#tickets.list(filter);
  }

  /** Records the thread the Discord side made for the ticket (or null, when it is gone). */
  async attachThread(ref: TicketRef, thread: { threadId: string | null; channelId: string | null }): Promise<TicketRecord | undefined> {
    const ticket = await this.#tickets.get(ref.guildId, ref.number);
    return ticket ? this.#tickets.setThread(ticket.id, thread, this.#clock()) : undefined;
  }

  async addMessage(ref: TicketRef, input: AddMessageInput): Promise<TicketMessageChange | TicketRefusal> {
    const actor = { id: input.authorId, isStaff: input.isStaff };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ticket = await this.#tickets.get(ref.guildId, ref.number);
      if (!ticket) return notFound(ref);
      const now = this.#clock();
      const decision = decide(ticket, { type: 'reply', at: now }, actor);
      if (!decision.ok) return decision;
      const message: TicketMessageRecord = {
        id: randomUUID(),
        ticketId: ticket.id,
        discordMessageId: input.discordMessageId ?? null,
        authorId: input.authorId,
        authorName: input.authorName,
        content: input.content,
        source: input.source,
        createdAt: now,
      };
      try {
        const outcome = await this.#tickets.transaction(async (tickets) => {
          if (!(await tickets.insertMessage(message))) {
            const stored = message.discordMessageId === null ? undefined : await tickets.messageByDiscordId(message.discordMessageId);
            return { duplicate: true as const, message: stored ?? message, ticket };
          }
          const updated = await tickets.applyIfUnchanged(ticket.id, ticket, decision.changes, now);
          if (!updated) throw new StaleTicket();
          return { duplicate: false as const, message, ticket: updated };
        });
        return { ok: true, event: 'message-added', ...outcome, previous: ticket, category: await this.#categoryOf(ticket) };
      } catch (error) {
        if (!(error instanceof StaleTicket)) throw error;
      }
    }
    return tooBusy(ref);
  }

  assign(ref: TicketRef, assigneeId: string, actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    return this.#act(ref, [{ type: 'assign', assigneeId }], actor);
  }

  unassign(ref: TicketRef, actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    return this.#act(ref, [{ type: 'unassign' }], actor);
  }

  setStatus(ref: TicketRef, status: 'open' | 'pending', actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    return this.#act(ref, [{ type: 'set-status', status }], actor);
  }

  setPriority(ref: TicketRef, priority: TicketPriority, actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    return this.#act(ref, [{ type: 'set-priority', priority }], actor);
  }

  /** Status and priority in one change: both apply or neither. The event is that of the last one. */
  update(ref: TicketRef, changes: { status?: 'open' | 'pending'; priority?: TicketPriority }, actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    const actions: TicketAction[] = [];
    if (changes.status !== undefined) actions.push({ type: 'set-status', status: changes.status });
    if (changes.priority !== undefined) actions.push({ type: 'set-priority', priority: changes.priority });
    return this.#act(ref, actions, actor);
  }

  reopen(ref: TicketRef, actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    return this.#act(ref, [{ type: 'reopen', at: this.#clock() }], actor);
  }

  rate(ref: TicketRef, rating: number, actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    return this.#act(ref, [{ type: 'rate', rating }], actor);
  }

  /** Closes the ticket and stores its transcript in the same transaction. */
  async close(ref: TicketRef, options: { reason?: string | null }, actor: TicketActor): Promise<TicketCloseChange | TicketRefusal> {
    return this.#close(ref, options.reason ?? null, actor);
  }

  async transcript(ref: TicketRef): Promise<TicketTranscriptRecord | undefined> {
    const ticket = await this.#tickets.get(ref.guildId, ref.number);
    return ticket ? this.#tickets.transcript(ticket.id) : undefined;
  }

  /** Records a staff warning to a user; returns it with how many warnings the user has in the guild now. */
  async warn(input: { guildId: string; userId: string; staffId: string; reason: string }): Promise<{ warning: TicketWarningRecord; total: number }> {
    const warning: TicketWarningRecord = { id: randomUUID(), ...input, createdAt: this.#clock() };
    await this.#moderation.addWarning(warning);
    return { warning, total: (await this.#moderation.warnings(input.guildId, input.userId)).length };
  }

  warnings(guildId: string, userId: string): Promise<TicketWarningRecord[]> {
    return this.#moderation.warnings(guildId, userId);
  }

  async block(input: { guildId: string; userId: string; reason: string | null }): Promise<TicketBlockRecord> {
    const entry: TicketBlockRecord = { ...input, createdAt: this.#clock() };
    await this.#moderation.block(entry);
    return (await this.#moderation.blockOf(input.guildId, input.userId)) ?? entry;
  }

  unblock(guildId: string, userId: string): Promise<boolean> {
    return this.#moderation.unblock(guildId, userId);
  }

  /** The tickets to warn now, and the warned ones to close now. */
  async autoCloseCandidates(now: number, rules: AutoCloseRules): Promise<AutoCloseCandidates> {
    if (!(rules.warnAfterMs > 0 && rules.closeAfterMs > rules.warnAfterMs)) {
      throw new RangeError('auto-close needs 0 < warnAfterMs < closeAfterMs');
    }
    const statuses = rules.statuses ?? NOT_CLOSED;
    const limit = rules.limit ?? 100;
    return {
      toWarn: await this.#tickets.unwarnedInactive(statuses, now - rules.warnAfterMs, limit),
      toClose: await this.#tickets.warnedBefore(statuses, now - (rules.closeAfterMs - rules.warnAfterMs), limit),
    };
  }

  /** Marks the inactivity warning as sent; undefined when the ticket saw activity since it was listed. */
  markInactivityWarned(ticket: TicketRecord, now: number): Promise<TicketRecord | undefined> {
    return this.#tickets.markWarned(ticket.id, ticket.lastActivityAt, now);
  }

  /** Takes back a warning that could not be posted, so that the next run tries again. */
  async unmarkInactivityWarned(ticket: TicketRecord): Promise<void> {
    if (ticket.warnedAt !== null) await this.#tickets.unmarkWarned(ticket.id, ticket.warnedAt);
  }

  /** Closes a warned, still inactive ticket; refused when it saw activity after the warning was listed. */
  closeInactive(ticket: TicketRecord, reason: string): Promise<TicketCloseChange | TicketRefusal> {
    if (ticket.warnedAt === null) return Promise.resolve({ ok: false, code: 'conflict', reason: `Ticket #${ticket.number} was never warned.` });
    return this.#close({ guildId: ticket.guildId, number: ticket.number }, reason, { id: AUTO_CLOSE_ACTOR_ID, isStaff: true }, ticket.warnedAt);
  }

  /** Closed tickets, closed at least `olderThanMs` ago, whose thread is still there. */
  threadCleanupCandidates(now: number, olderThanMs: number, limit: number): Promise<TicketRecord[]> {
    return this.#tickets.closedWithThreadBefore(now - olderThanMs, limit);
  }

  /**
   * Detaches the thread of a ticket that is still closed since before the cutoff; true when the caller may
   * now delete it. A ticket reopened in between keeps its thread and answers false.
   */
  releaseThread(ticket: TicketRecord & { threadId: string }, now: number, olderThanMs: number): Promise<boolean> {
    return this.#tickets.releaseThread(ticket.id, ticket.threadId, now - olderThanMs, now);
  }

  restoreThread(ticket: TicketRecord & { threadId: string }): Promise<void> {
    return this.#tickets.restoreThread(ticket.id, ticket.threadId);
  }

  async #categoryOf(ticket: TicketRecord): Promise<TicketCategoryRecord | null> {
    return ticket.categoryId === null ? null : ((await this.#categories.get(ticket.guildId, ticket.categoryId)) ?? null);
  }

  /** Decides each action in turn on the ticket as it would become, then applies all changes at once. */
  async #act(ref: TicketRef, actions: readonly TicketAction[], actor: TicketActor): Promise<TicketChange | TicketRefusal> {
    if (actions.length === 0) return { ok: false, code: 'invalid', reason: 'Nothing to change.' };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ticket = await this.#tickets.get(ref.guildId, ref.number);
      if (!ticket) return notFound(ref);
      let next = ticket;
      let changes: TicketChanges = {};
      let event: TicketChange['event'] | undefined;
      for (const action of actions) {
        const decision = decide(next, action, actor);
        if (!decision.ok) return decision;
        changes = { ...changes, ...decision.changes };
        next = { ...next, ...decision.changes };
        event = decision.event;
      }
      const updated = await this.#tickets.applyIfUnchanged(ticket.id, ticket, changes, this.#clock());
      if (updated) return { ok: true, event: event!, ticket: updated, previous: ticket, category: await this.#categoryOf(updated) };
    }
    return tooBusy(ref);
  }

  async #close(ref: TicketRef, reason: string | null, actor: TicketActor, onlyIfWarnedAt?: number): Promise<TicketCloseChange | TicketRefusal> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ticket = await this.#tickets.get(ref.guildId, ref.number);
      if (!ticket) return notFound(ref);
      if (onlyIfWarnedAt !== undefined && ticket.warnedAt !== onlyIfWarnedAt) {
        return { ok: false, code: 'conflict', reason: `Ticket #${ticket.number} saw activity after its inactivity warning.` };
      }
      const now = this.#clock();
      const decision = decide(ticket, { type: 'close', reason, at: now }, actor);
      if (!decision.ok) return decision;
      const category = await this.#categoryOf(ticket);
      try {
        const outcome = await this.#tickets.transaction(async (tickets) => {
          const updated = await tickets.applyIfUnchanged(ticket.id, ticket, decision.changes, now, onlyIfWarnedAt === undefined ? {} : { warnedAt: onlyIfWarnedAt });
          if (!updated) throw new StaleTicket();
          const messages = await tickets.messages(ticket.id);
          const input = { ticket: updated, category, messages };
          const transcript: TicketTranscriptRecord = { ticketId: ticket.id, text: transcriptText(input), html: transcriptHtml(input), createdAt: now };
          await tickets.saveTranscript(transcript);
          return { ticket: updated, transcript };
        });
        return { ok: true, event: 'closed', ...outcome, previous: ticket, category };
      } catch (error) {
        if (!(error instanceof StaleTicket)) throw error;
      }
    }
    return tooBusy(ref);
  }
}
