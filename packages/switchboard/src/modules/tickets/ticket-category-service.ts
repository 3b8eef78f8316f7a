/**
 * A guild's ticket categories. A category with tickets still open cannot be deleted (their threads and
 * staff would be lost from sight); once they are closed it can, and the closed tickets keep their rows
 * with no category.
 */
import { randomUUID } from 'node:crypto';
import type { TicketCategoryChanges, TicketCategoryRecord, TicketCategoryRepository } from '../../storage/ticket-category-repository.ts';
import type { TicketRepository } from '../../storage/ticket-repository.ts';

export type TicketCategoryInput = Omit<TicketCategoryRecord, 'id' | 'guildId' | 'createdAt'>;

export type CategoryRefusal = { ok: false; code: 'not_found' | 'name_taken' | 'in_use'; reason: string };

export class TicketCategoryService {
  readonly #categories: TicketCategoryRepository;
  readonly #tickets: TicketRepository;
  readonly #clock: () => number;

  constructor(options: { categories: TicketCategoryRepository; tickets: TicketRepository; clock?: () => number }) {
    this.#categories = options.categories;
    this.#tickets = options.tickets;
    this.#clock = options.clock ?? Date.now;
  }

  list(guildId: string): Promise<TicketCategoryRecord[]> {
    return this.#categories.list(guildId);
  }

  get(guildId: string, id: string): Promise<TicketCategoryRecord | undefined> {
    return this.#categories.get(guildId, id);
  }

  async create(guildId: string, input: TicketCategoryInput): Promise<{ ok: true; category: TicketCategoryRecord } | CategoryRefusal> {
    const category: TicketCategoryRecord = { id: randomUUID(), guildId, ...input, createdAt: this.#clock() };
    if (!(await this.#categories.create(category))) return nameTaken(input.name);
    return { ok: true, category };
  }

  async update(guildId: string, id: string, changes: TicketCategoryChanges): Promise<{ ok: true; category: TicketCategoryRecord } | CategoryRefusal> {
    const result = await this.#categories.update(guildId, id, changes);
    if (result === 'name_taken') return nameTaken(changes.name ?? '');
    if (!result) return missing(id);
    return { ok: true, category: result };
  }

  async delete(guildId: string, id: string): Promise<{ ok: true } | CategoryRefusal> {
    const category = await this.#categories.get(guildId, id);
    if (!category) return missing(id);
    const open = await this.#tickets.countNotClosedInCategory(id);
    if (open > 0) {
      return { ok: false, code: 'in_use', reason: `The category ${category.name} still has ${open} ticket(s) not closed; close them before deleting it.` };
    }
    return (await this.#categories.delete(guildId, id)) ? { ok: true } : missing(id);
  }
}

function nameTaken(name: string): CategoryRefusal {
  return { ok: false, code: 'name_taken', reason: `This server already has a ticket category named ${name}.` };
}

function missing(id: string): CategoryRefusal {
  return { ok: false, code: 'not_found', reason: `There is no ticket category ${id} in this server.` };
}
