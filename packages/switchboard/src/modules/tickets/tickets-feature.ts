/** Puts support tickets together: the services on the hub's database, the Discord module, and its jobs. */
import type { API } from '@discordjs/core';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Job } from '../../jobs/job.ts';
import type { Tables } from '../../storage/schema.ts';
import { createTickets, type Tickets } from './create-tickets.ts';
import { ticketAutoCloseJob } from './ticket-auto-close-job.ts';
import type { TicketChange } from './ticket-results.ts';
import { ticketThreadCleanupJob } from './ticket-thread-cleanup-job.ts';
import { createTicketsModule, type TicketsModule } from './tickets-module.ts';
import { connectedApi } from '../../discord/connected-api.ts';

export type TicketSettings = { warnAfterMs: number; closeAfterMs: number; threadRetentionMs: number };

export type TicketsFeature = {
  module: TicketsModule;
  /** The services for the API, and where it tells Discord about its changes. */
  services: Tickets & { onChange: (change: TicketChange) => Promise<void> };
  jobs: Job[];
};

export function createTicketsFeature(options: {
  db: Kysely<Tables>;
  /** The Discord API, or undefined while the hub runs without a Discord connection. */
  api: () => API | undefined;
  logger: Logger;
  publicUrl: string;
  settings: TicketSettings;
  /** The guild's own ticket staff roles (its configuration). */
  guildStaffRoles?: (guildId: string) => Promise<readonly string[]>;
  /** Whether a channel is a thread, when known (see `TicketsModuleOptions`). */
  isThread?: (channelId: string) => boolean | undefined;
}): TicketsFeature {
  const tickets = createTickets(options.db);
  const module = createTicketsModule({
    service: tickets.service,
    categories: tickets.categories,
    api: connectedApi(options.api),
    logger: options.logger,
    dashboardUrl: (ticket) => `${options.publicUrl}/tickets/${ticket.guildId}/${ticket.number}`,
    ...(options.guildStaffRoles ? { guildStaffRoles: options.guildStaffRoles } : {}),
    ...(options.isThread ? { isThread: options.isThread } : {}),
  });
  return {
    module,
    // Without a Discord connection there is nothing to show a change in.
    services: { ...tickets, onChange: async (change) => (options.api() ? module.mirror(change) : undefined) },
    jobs: [
      ticketAutoCloseJob(tickets.service, {
        warnAfterMs: options.settings.warnAfterMs,
        closeAfterMs: options.settings.closeAfterMs,
        onWarn: (ticket, closesAt) => module.warnInDiscord(ticket, closesAt),
        onClose: (change) => module.closeInDiscord(change),
      }),
      ticketThreadCleanupJob(tickets.service, {
        olderThanMs: options.settings.threadRetentionMs,
        deleteThread: (ticket) => module.manager().deleteThread(ticket.threadId),
      }),
    ],
  };
}
