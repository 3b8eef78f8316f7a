/** Puts the ticket services together on the hub's database: what hub.ts builds once and hands out. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../storage/schema.ts';
import { TicketCategoryRepository } from '../../storage/ticket-category-repository.ts';
import { TicketModerationRepository } from '../../storage/ticket-moderation-repository.ts';
import { TicketRepository } from '../../storage/ticket-repository.ts';
import { TicketCategoryService } from './ticket-category-service.ts';
import type { TicketCreationLimits } from './ticket-creation-rules.ts';
import { TicketService } from './ticket-service.ts';

export type Tickets = { service: TicketService; categories: TicketCategoryService };

export function createTickets(db: Kysely<Tables>, options: { limits?: Partial<TicketCreationLimits>; clock?: () => number } = {}): Tickets {
  const tickets = new TicketRepository(db);
  const categories = new TicketCategoryRepository(db);
  return {
    service: new TicketService({ tickets, categories, moderation: new TicketModerationRepository(db), ...options }),
    categories: new TicketCategoryService({ categories, tickets, ...(options.clock ? { clock: options.clock } : {}) }),
  };
}
