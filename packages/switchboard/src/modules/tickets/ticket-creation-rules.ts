/**
 * Whether a user may open a ticket now: not blocked, under the number of open tickets allowed per category,
 * and not within the cooldown after their last ticket. Pure: the service gathers the facts inside the
 * creating transaction and asks.
 */
import type { TicketRecord } from '../../storage/ticket-repository.ts';

export type TicketCreationLimits = {
  /** Tickets a user may have open at once in one category. */
  maxOpenPerCategory: number;
  /** Time between two tickets of one user in a guild. */
  cooldownMs: number;
};

export const DEFAULT_TICKET_CREATION_LIMITS: TicketCreationLimits = { maxOpenPerCategory: 1, cooldownMs: 60_000 };

export type TicketCreationFacts = {
  now: number;
  block: { reason: string | null } | undefined;
  categoryName: string | null;
  openInCategory: readonly Pick<TicketRecord, 'number'>[];
  lastCreatedAt: number | undefined;
};

export type TicketCreationRefusal = {
  ok: false;
  code: 'blocked' | 'limit_reached' | 'cooldown';
  reason: string;
  details?: { retryAfterSeconds?: number; openTickets?: number[] };
};

export function checkTicketCreation(facts: TicketCreationFacts, limits: TicketCreationLimits): { ok: true } | TicketCreationRefusal {
  if (facts.block) {
    const because = facts.block.reason ? ` Reason: ${facts.block.reason}` : '';
    return { ok: false, code: 'blocked', reason: `You are blocked from opening tickets in this server.${because}` };
  }
  if (facts.openInCategory.length >= limits.maxOpenPerCategory) {
    const numbers = facts.openInCategory.map((t) => t.number);
    const where = facts.categoryName === null ? 'without a category' : `in ${facts.categoryName}`;
    const list = numbers.map((n) => `#${n}`).join(', ');
    const reason =
      limits.maxOpenPerCategory === 1
        ? `You already have an open ticket ${where}: ${list}. Close it before opening another.`
        : `You already have ${numbers.length} open tickets ${where} (${list}); the limit is ${limits.maxOpenPerCategory}.`;
    return { ok: false, code: 'limit_reached', reason, details: { openTickets: numbers } };
  }
  if (facts.lastCreatedAt !== undefined && facts.now - facts.lastCreatedAt < limits.cooldownMs) {
    const retryAfterSeconds = Math.max(1, Math.ceil((facts.lastCreatedAt + limits.cooldownMs - facts.now) / 1000));
    return {
      ok: false,
      code: 'cooldown',
      reason: `You opened a ticket moments ago; you can open another in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
      details: { retryAfterSeconds },
    };
  }
  return { ok: true };
}
