/**
 * Closes tickets nobody touched for a while, after warning the requester: a ticket inactive for
 * `warnAfterMs` is warned; one still warned `closeAfterMs - warnAfterMs` later is closed. Any activity
 * clears the warning and starts over. The warning is marked before it is posted (so two runs never post it
 * twice) and taken back when posting fails (so the next run tries again). A run in which a callback failed
 * is reported as failed, after every other ticket has been handled.
 */
import type { Job } from '../../jobs/job.ts';
import type { TicketRecord } from '../../storage/ticket-repository.ts';
import type { TicketCloseChange } from './ticket-results.ts';
import type { AutoCloseRules, TicketService } from './ticket-service.ts';

export type TicketAutoCloseOptions = AutoCloseRules & {
  intervalMs?: number;
  /** Posts the warning in the ticket's thread; `closesAt` is when the ticket closes without activity. */
  onWarn(ticket: TicketRecord, closesAt: number): Promise<void>;
  /** Mirrors the close in Discord (post, archive the thread). The ticket is closed already. */
  onClose(change: TicketCloseChange): Promise<void>;
};

const DAY_MS = 24 * 60 * 60 * 1000;

function closeReason(closeAfterMs: number): string {
  const days = closeAfterMs / DAY_MS;
  const span = Number.isInteger(days) ? `${days} day${days === 1 ? '' : 's'}` : `${Math.round(closeAfterMs / 3_600_000)} hours`;
  return `Closed automatically after ${span} without activity.`;
}

export function ticketAutoCloseJob(service: TicketService, options: TicketAutoCloseOptions): Job {
  return {
    name: 'ticket-auto-close',
    intervalMs: options.intervalMs ?? 15 * 60 * 1000,
    async run({ now, signal }) {
      const { toWarn, toClose } = await service.autoCloseCandidates(now, options);
      let warned = 0;
      let closed = 0;
      const failures: string[] = [];
      for (const candidate of toWarn) {
        if (signal.aborted) break;
        const marked = await service.markInactivityWarned(candidate, now);
        if (!marked) continue;
        try {
          await options.onWarn(marked, now + options.closeAfterMs - options.warnAfterMs);
          warned++;
        } catch (error) {
          await service.unmarkInactivityWarned(marked);
          failures.push(`warning for #${marked.number} in ${marked.guildId}: ${(error as Error).message}`);
        }
      }
      for (const candidate of toClose) {
        if (signal.aborted) break;
        const result = await service.closeInactive(candidate, closeReason(options.closeAfterMs));
        if (!result.ok) continue;
        closed++;
        try {
          await options.onClose(result);
        } catch (error) {
          failures.push(`close of #${result.ticket.number} in ${result.ticket.guildId} (closed, not mirrored): ${(error as Error).message}`);
        }
      }
      const summary = `warned ${warned} ticket(s), closed ${closed} inactive ticket(s)`;
      if (failures.length > 0) throw new Error(`${summary}; ${failures.length} failed: ${failures.join('; ')}`);
      return { summary };
    },
  };
}
