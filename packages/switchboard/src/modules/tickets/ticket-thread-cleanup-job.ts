/**
 * Deletes the threads of tickets closed long ago (30 days by default), so that a guild stays far from
 * Discord's thread limits. Only closed tickets qualify, and each thread is first detached from its ticket
 * with a check that the ticket is still closed — a ticket reopened meanwhile keeps its thread. Ticket rows,
 * messages and transcripts stay. Deleting the thread itself is the Discord side's `deleteThread`; when it
 * fails, the thread is put back so that the next run tries again.
 */
import type { Job } from '../../jobs/job.ts';
import type { TicketRecord } from '../../storage/ticket-repository.ts';
import type { TicketService } from './ticket-service.ts';

export const DEFAULT_THREAD_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export type TicketThreadCleanupOptions = {
  /** Threads of tickets closed longer ago than this are deleted (default 30 days). */
  olderThanMs?: number;
  intervalMs?: number;
  /** Threads handled per run. */
  batchSize?: number;
  deleteThread(ticket: TicketRecord & { threadId: string }): Promise<void>;
};

export function ticketThreadCleanupJob(service: TicketService, options: TicketThreadCleanupOptions): Job {
  const olderThanMs = options.olderThanMs ?? DEFAULT_THREAD_RETENTION_MS;
  return {
    name: 'ticket-thread-cleanup',
    intervalMs: options.intervalMs ?? 6 * 60 * 60 * 1000,
    async run({ now, signal }) {
      const candidates = await service.threadCleanupCandidates(now, olderThanMs, options.batchSize ?? 50);
      let deleted = 0;
      const failures: string[] = [];
      for (const ticket of candidates) {
        if (signal.aborted) break;
        if (ticket.threadId === null || ticket.status !== 'closed') continue;
        const withThread = { ...ticket, threadId: ticket.threadId };
        if (!(await service.releaseThread(withThread, now, olderThanMs))) continue;
        try {
          await options.deleteThread(withThread);
          deleted++;
        } catch (error) {
          await service.restoreThread(withThread);
          failures.push(`thread of #${ticket.number} in ${ticket.guildId}: ${(error as Error).message}`);
        }
      }
      const summary = `deleted ${deleted} thread(s) of tickets closed over ${Math.round(olderThanMs / 86_400_000)} day(s) ago`;
      if (failures.length > 0) throw new Error(`${summary}; ${failures.length} failed: ${failures.join('; ')}`);
      return { summary };
    },
  };
}
