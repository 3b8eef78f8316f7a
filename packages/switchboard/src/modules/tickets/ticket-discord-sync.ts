/**
 * Keeps Discord in step with the tickets, whichever side a change came from: a ticket created over the API
 * gets its thread; staff replies sent through the API appear in the thread under the staff member's name;
 * assignment, status and priority changes leave a note; closing locks and archives the thread, logs the
 * transcript and asks the creator for a rating by DM; reopening brings the thread back. And the other way:
 * a ticket thread deleted by hand is recreated, and a thread archived or unarchived by hand closes or
 * reopens its ticket. Failures here are logged and never undo the change, which is already stored.
 */
import type { API } from '@discordjs/core';
import { ButtonStyle, ComponentType, type GatewayDispatchPayload } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { buildCustomId } from '../../interactions/custom-id.ts';
import type { TicketCategoryRecord } from '../../storage/ticket-category-repository.ts';
import type { TicketRecord } from '../../storage/ticket-repository.ts';
import type { TicketChannelManager } from './discord/ticket-channel-manager.ts';
import { ticketMessage } from './discord/ticket-embed.ts';
import { ticketChannelName } from './discord/ticket-layout.ts';
import type { TicketCategoryService } from './ticket-category-service.ts';
import type { TicketChange, TicketCloseChange, TicketMessageChange } from './ticket-results.ts';
import type { TicketService } from './ticket-service.ts';

const DEFAULT_CHANNEL = 'support';
const SYSTEM_ACTOR = { id: 'discord', isStaff: true };

export type TicketDiscordSyncOptions = {
  service: TicketService;
  categories: TicketCategoryService;
  manager: () => TicketChannelManager;
  api: () => API;
  logger: Logger;
  dashboardUrl: (ticket: TicketRecord) => string;
  /** The guild's own ticket staff roles (its configuration). */
  guildStaffRoles?: (guildId: string) => Promise<readonly string[]>;
};

export class TicketDiscordSync {
  readonly #options: TicketDiscordSyncOptions;

  async #guildStaff(guildId: string): Promise<readonly string[]> {
    return this.#options.guildStaffRoles ? this.#options.guildStaffRoles(guildId) : [];
  }

  constructor(options: TicketDiscordSyncOptions) {
    this.#options = options;
  }

  async categoryOf(ticket: TicketRecord): Promise<TicketCategoryRecord | null> {
    return ticket.categoryId ? ((await this.#options.categories.get(ticket.guildId, ticket.categoryId)) ?? null) : null;
  }

  /** Opens the ticket's private thread in its category's channel and records it on the ticket. Throws Discord's refusal. */
  async openThread(ticket: TicketRecord, category: TicketCategoryRecord | null): Promise<string> {
    const message = ticketMessage({
      ticketId: ticket.id,
      number: ticket.number,
      title: ticket.title,
      description: ticket.description,
      creatorId: ticket.creatorId,
      status: ticket.status,
      priority: ticket.priority,
      category: { name: category?.name ?? 'General', ...(category?.emoji ? { emoji: category.emoji } : {}) },
      createdAt: new Date(ticket.createdAt),
      dashboardUrl: this.#options.dashboardUrl(ticket),
    });
    const thread = await this.#options.manager().openThread({
      guildId: ticket.guildId,
      ticketCategory: { channelName: ticketChannelName(category?.channelName ?? category?.name ?? DEFAULT_CHANNEL) },
      number: ticket.number,
      title: ticket.title,
      creatorId: ticket.creatorId,
      // Staff are brought into the private thread by mentioning their roles (the category's and the guild's); ping roles are mentioned too.
      staffRoleIds: [...new Set([...(category?.staffRoleIds ?? []), ...(await this.#guildStaff(ticket.guildId)), ...(category?.pingRoleIds ?? [])])],
      embed: message.embed,
      components: message.components,
    });
    await this.#options.service.attachThread({ guildId: ticket.guildId, number: ticket.number }, { threadId: thread.threadId, channelId: thread.channelId });
    return thread.threadId;
  }

  async #note(ticket: TicketRecord, content: string): Promise<void> {
    if (!ticket.threadId) return;
    await this.#options.api().channels.createMessage(ticket.threadId, { content, allowed_mentions: { parse: [] } });
  }

  /** Shows in Discord a change made anywhere; never throws. */
  async mirror(change: TicketChange): Promise<void> {
    const { ticket } = change;
    try {
      switch (change.event) {
        case 'created':
          if (!ticket.threadId) await this.openThread(ticket, change.category);
          return;
        case 'message-added': {
          const { message } = change as TicketMessageChange;
          if (message.source === 'api') await this.#note(ticket, `**${message.authorName}** (staff): ${message.content}`.slice(0, 2000));
          return;
        }
        case 'assigned':
          return this.#note(ticket, `Assigned to <@${ticket.assigneeId}>.`);
        case 'unassigned':
          return this.#note(ticket, 'Nobody has this ticket now.');
        case 'status-changed':
          return this.#note(ticket, ticket.status === 'pending' ? `Waiting on <@${ticket.creatorId}>.` : `Status: ${ticket.status}.`);
        case 'priority-changed':
          return this.#note(ticket, `Priority: ${ticket.priority}.`);
        case 'closed':
          await this.closeInDiscord(change as TicketCloseChange);
          await this.#askForRating(ticket);
          return;
        case 'reopened':
          if (ticket.threadId) await this.#options.manager().reopenThread(ticket.threadId);
          return this.#note(ticket, 'This ticket is open again.');
        default:
          return;
      }
    } catch (error) {
      this.#options.logger.warn({ err: error, ticket: ticket.id, event: change.event }, 'could not show a ticket change in Discord');
    }
  }

  /** Locks and archives a closed ticket's thread and posts its transcript to the archive log. */
  async closeInDiscord(change: TicketCloseChange): Promise<void> {
    const { ticket, transcript } = change;
    if (ticket.threadId) await this.#options.manager().archiveThread(ticket.threadId, { lock: true });
    const closedBy = ticket.closedBy && /^\d+$/.test(ticket.closedBy) ? `<@${ticket.closedBy}>` : (ticket.closedBy ?? 'unknown');
    await this.#options.manager().postArchiveLog(
      ticket.guildId,
      {
        title: `Ticket #${ticket.number} closed: ${ticket.title}`.slice(0, 256),
        ...(ticket.closeReason ? { description: `Reason: ${ticket.closeReason}`.slice(0, 4096) } : {}),
        fields: [
          { name: 'Opened by', value: `<@${ticket.creatorId}>`, inline: true },
          { name: 'Closed by', value: closedBy, inline: true },
        ],
      },
      { fileName: `ticket-${ticket.number}.txt`, text: transcript.text },
    );
  }

  /** Tells a ticket's thread it will be closed for inactivity. */
  async warnInDiscord(ticket: TicketRecord, closesAt: number): Promise<void> {
    if (!ticket.threadId) return;
    await this.#options.api().channels.createMessage(ticket.threadId, {
      content: `<@${ticket.creatorId}> this ticket has been quiet for a while and will close <t:${Math.floor(closesAt / 1000)}:R> unless someone writes here.`,
      allowed_mentions: { users: [ticket.creatorId] },
    });
  }

  async #askForRating(ticket: TicketRecord): Promise<void> {
    const api = this.#options.api();
    try {
      const dm = await api.users.createDM(ticket.creatorId);
      await api.channels.createMessage(dm.id, {
        content: `Your ticket #${ticket.number} (“${ticket.title}”) was closed. How did we do?`.slice(0, 2000),
        components: [
          {
            type: ComponentType.ActionRow,
            components: [1, 2, 3, 4, 5].map((stars) => ({
              type: ComponentType.Button as const,
              style: ButtonStyle.Secondary as const,
              label: '⭐'.repeat(stars),
              custom_id: buildCustomId('tickets', 'rate', ticket.guildId, String(ticket.number), String(stars)),
            })),
          },
        ],
      });
    } catch (error) {
      // A member may close DMs from server members; the rating is optional.
      this.#options.logger.debug({ err: error, ticket: ticket.id }, 'could not ask for a rating by DM');
    }
  }

  /** Reflects what people did to ticket threads directly in Discord. */
  async reconcile(event: GatewayDispatchPayload): Promise<void> {
    const { service, logger } = this.#options;
    if (event.t === 'THREAD_DELETE') {
      const ticket = await service.byThread(event.d.id);
      if (!ticket) return;
      await service.attachThread({ guildId: ticket.guildId, number: ticket.number }, { threadId: null, channelId: null });
      if (ticket.status !== 'closed') {
        logger.info({ ticket: ticket.id }, "an open ticket's thread was deleted by hand; opening a new one");
        await this.openThread({ ...ticket, threadId: null }, await this.categoryOf(ticket));
      }
      return;
    }
    if (event.t === 'THREAD_UPDATE') {
      const archived = event.d.thread_metadata?.archived;
      if (archived === undefined) return;
      const ticket = await service.byThread(event.d.id);
      if (!ticket) return;
      const ref = { guildId: ticket.guildId, number: ticket.number };
      // Our own closing and reopening produce these updates too; the ticket is then already in that state.
      if (archived && ticket.status !== 'closed') {
        const result = await service.close(ref, { reason: 'the thread was archived in Discord' }, SYSTEM_ACTOR);
        if (result.ok) await this.closeInDiscord(result).catch((error: unknown) => logger.warn({ err: error }, 'could not log a ticket closed by archiving'));
      } else if (!archived && ticket.status === 'closed') {
        await service.reopen(ref, SYSTEM_ACTOR);
      }
    }
  }
}
