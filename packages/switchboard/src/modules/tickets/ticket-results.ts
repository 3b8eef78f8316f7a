/**
 * What the ticket service answers. A change says what happened (`event`), the ticket before and after, and
 * its category (staff and ping roles, channel name): everything the Discord side needs to mirror it in the
 * ticket's thread without asking again. A refusal carries the reason in plain words, fit to show as is.
 */
import type { TicketCategoryRecord } from '../../storage/ticket-category-repository.ts';
import type { TicketMessageRecord, TicketRecord, TicketTranscriptRecord } from '../../storage/ticket-repository.ts';
import type { TicketCreationRefusal } from './ticket-creation-rules.ts';
import type { TicketDecisionRefusal, TicketEvent } from './ticket-lifecycle.ts';

export type TicketRef = { guildId: string; number: number };

export type TicketRefusalCode = 'not_found' | 'unknown_category' | TicketDecisionRefusal['code'] | TicketCreationRefusal['code'];

export type TicketRefusal = { ok: false; code: TicketRefusalCode; reason: string; details?: Record<string, unknown> };

export type TicketChange = {
  ok: true;
  event: TicketEvent;
  ticket: TicketRecord;
  /** The ticket before the change; null for `created`. */
  previous: TicketRecord | null;
  category: TicketCategoryRecord | null;
};

export type TicketMessageChange = TicketChange & {
  event: 'message-added';
  message: TicketMessageRecord;
  /** The Discord message was already stored (a redelivered event): nothing changed, nothing to mirror. */
  duplicate: boolean;
};

export type TicketCloseChange = TicketChange & { event: 'closed'; transcript: TicketTranscriptRecord };

export function notFound(ref: TicketRef): TicketRefusal {
  return { ok: false, code: 'not_found', reason: `There is no ticket #${ref.number} in this server.` };
}
