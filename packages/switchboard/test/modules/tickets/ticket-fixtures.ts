/** A ticket record to decide on, with fields overridden per test. */
import type { TicketRecord } from '../../../src/storage/ticket-repository.ts';

export const CREATOR = '100000000000000001';
export const STAFF = '200000000000000001';
export const OTHER_STAFF = '200000000000000002';
export const GUILD = '900000000000000001';

export function ticket(overrides: Partial<TicketRecord> = {}): TicketRecord {
  return {
    id: 't1',
    guildId: GUILD,
    number: 12,
    categoryId: null,
    title: 'Cannot log in',
    description: 'It says my password is wrong.',
    priority: 'normal',
    status: 'open',
    creatorId: CREATOR,
    assigneeId: null,
    threadId: null,
    channelId: null,
    closeReason: null,
    closedBy: null,
    closedAt: null,
    lastActivityAt: 1_000,
    warnedAt: null,
    rating: null,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}
