/**
 * The tickets module in Discord: `/ticket open` asks for a title and description in a modal, creates the
 * ticket and opens its private thread in the category's channel; the buttons on the ticket's first
 * message assign, mark pending and close (staff only — others get an ephemeral refusal); closing locks
 * and archives the thread and posts the transcript to the archive log; messages written in a ticket's
 * thread are stored with the ticket. The ticket core decides; this file only carries it to Discord.
 */
import type { API } from '@discordjs/core';
import {
  ComponentType,
  GatewayIntentBits,
  PermissionFlagsBits,
  TextInputStyle,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionGuildMember,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
  type GatewayDispatchPayload,
} from 'discord-api-types/v10';
import { MODAL_TITLE_MAX, TEXT_INPUT_VALUE_MAX } from 'discord-limits';
import type { Logger } from 'pino';
import { buildCustomId } from '../../interactions/custom-id.ts';
import type { InteractionResponder } from '../../interactions/interaction-responder.ts';
import type { TicketPriority } from '../../storage/schema.ts';
import type { TicketCategoryRecord } from '../../storage/ticket-category-repository.ts';
import type { TicketRecord } from '../../storage/ticket-repository.ts';
import type { HubModule } from '../hub-module.ts';
import { TicketChannelManager } from './discord/ticket-channel-manager.ts';
import { TicketDiscordFailure, TicketLimitRefusal } from './discord/ticket-discord-errors.ts';
import { ticketChannelName } from './discord/ticket-layout.ts';
import { ticketMessage } from './discord/ticket-embed.ts';
import { TICKET_COMMAND } from './ticket-commands.ts';
import type { TicketCategoryService } from './ticket-category-service.ts';
import type { TicketCloseChange, TicketRefusal } from './ticket-results.ts';
import type { TicketService } from './ticket-service.ts';
import { isTicketStaff } from './ticket-staff.ts';

export const TICKETS_MODULE_NAME = 'tickets';
const DEFAULT_CHANNEL = 'support';
const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'urgent'];

export type TicketsModuleOptions = {
  service: TicketService;
  categories: TicketCategoryService;
  api: () => API;
  logger: Logger;
  /** Where the dashboard shows a ticket (`<publicUrl>/tickets/<guild>/<number>`). */
  dashboardUrl: (ticket: TicketRecord) => string;
};

/** What the intent check and `switchboard doctor` need to know, without the handlers. */
export const TICKETS_MODULE_DECLARATION: HubModule = {
  name: TICKETS_MODULE_NAME,
  description: 'Support tickets in private threads, organized by category',
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
  permissions: [
    PermissionFlagsBits.ViewChannel,
    PermissionFlagsBits.ManageChannels,
    PermissionFlagsBits.ManageThreads,
    PermissionFlagsBits.CreatePrivateThreads,
    PermissionFlagsBits.SendMessages,
    PermissionFlagsBits.SendMessagesInThreads,
    PermissionFlagsBits.EmbedLinks,
    PermissionFlagsBits.AttachFiles,
  ],
  commands: [TICKET_COMMAND],
};

function refusalText(result: TicketRefusal): string {
  return result.reason;
}

function managesGuild(member: APIInteractionGuildMember | undefined): boolean {
  if (!member) return false;
  const permissions = BigInt(member.permissions);
  return (permissions & (PermissionFlagsBits.ManageGuild | PermissionFlagsBits.Administrator)) !== 0n;
}

function optionValue(interaction: APIChatInputApplicationCommandInteraction, name: string): string | undefined {
  const subcommand = interaction.data.options?.[0];
  if (!subcommand || !('options' in subcommand)) return undefined;
  const option = subcommand.options?.find((o) => o.name === name);
  return option && 'value' in option && typeof option.value === 'string' ? option.value : undefined;
}

export type TicketsModule = HubModule & {
  manager: () => TicketChannelManager;
  /** Locks and archives a closed ticket's thread and posts its transcript to the archive log. */
  closeInDiscord(change: TicketCloseChange): Promise<void>;
  /** Tells a ticket's thread it will be closed for inactivity. */
  warnInDiscord(ticket: TicketRecord, closesAt: number): Promise<void>;
};

export function createTicketsModule(options: TicketsModuleOptions): TicketsModule {
  const { service, categories, logger } = options;
  let manager: TicketChannelManager | undefined;
  const channelManager = () =>
    (manager ??= new TicketChannelManager({
      api: options.api(),
      closedTicketThreads: async (guildId) =>
        (await service.list({ guildId, status: 'closed', limit: 100, offset: 0 })).tickets.map((t) => t.threadId).filter((id): id is string => id !== null),
    }));

  const actorOf = (member: APIInteractionGuildMember | undefined, category: TicketCategoryRecord | null) => ({
    id: member?.user.id ?? 'unknown',
    isStaff: isTicketStaff(member?.roles ?? [], category, managesGuild(member)),
  });

  /** Tells the user what went wrong in Discord, in words, and logs the rest. */
  async function reportFailure(error: unknown, reply: InteractionResponder): Promise<void> {
    if (error instanceof TicketLimitRefusal) return reply.editReply(error.message).then(() => undefined);
    if (error instanceof TicketDiscordFailure) {
      logger.warn({ err: error }, 'a ticket action failed in Discord');
      return reply.editReply(error.message).then(() => undefined);
    }
    throw error;
  }

  async function closeInDiscord(change: TicketCloseChange): Promise<void> {
    const { ticket, transcript } = change;
    if (ticket.threadId) await channelManager().archiveThread(ticket.threadId, { lock: true });
    await channelManager().postArchiveLog(
      ticket.guildId,
      {
        title: `Ticket #${ticket.number} closed: ${ticket.title}`.slice(0, 256),
        description: ticket.closeReason ? `Reason: ${ticket.closeReason}`.slice(0, 4096) : undefined,
        fields: [
          { name: 'Opened by', value: `<@${ticket.creatorId}>`, inline: true },
          { name: 'Closed by', value: ticket.closedBy?.startsWith('api:') || ticket.closedBy === 'auto-close' ? ticket.closedBy : `<@${ticket.closedBy}>`, inline: true },
        ],
      },
      { fileName: `ticket-${ticket.number}.txt`, text: transcript.text },
    );
  }

  async function openFromModal(interaction: APIModalSubmitInteraction, args: string[], reply: InteractionResponder): Promise<void> {
    const guildId = interaction.guild_id;
    const member = interaction.member;
    if (!guildId || !member) return reply.replyEphemeral('Tickets can only be opened in a server.');
    const field = (id: string) =>
      interaction.data.components.flatMap((row) => ('components' in row ? row.components : [])).find((c) => c.custom_id === id)?.value ?? '';
    await reply.defer({ ephemeral: true });
    const [categoryId, priority] = args;
    const created = await service.create({
      guildId,
      category: categoryId && categoryId !== '-' ? categoryId : null,
      title: field('title').trim(),
      description: field('description').trim(),
      priority: PRIORITIES.includes(priority as TicketPriority) ? (priority as TicketPriority) : 'normal',
      creatorId: member.user.id,
    });
    if (!created.ok) {
      await reply.editReply(refusalText(created));
      return;
    }
    const { ticket, category } = created;
    try {
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
        dashboardUrl: options.dashboardUrl(ticket),
      });
      const thread = await channelManager().openThread({
        guildId,
        ticketCategory: { channelName: ticketChannelName(category?.channelName ?? category?.name ?? DEFAULT_CHANNEL) },
        number: ticket.number,
        title: ticket.title,
        creatorId: ticket.creatorId,
        staffRoleIds: category?.staffRoleIds ?? [],
        embed: message.embed,
        components: message.components,
      });
      await service.attachThread({ guildId, number: ticket.number }, { threadId: thread.threadId, channelId: thread.channelId });
      await reply.editReply(`Ticket #${ticket.number} is open: <#${thread.threadId}>`);
    } catch (error) {
      // The ticket stays recorded (visible in the API); without its thread it cannot be worked in Discord, so close it with the reason.
      await service.close({ guildId, number: ticket.number }, { reason: 'its thread could not be created' }, { id: 'switchboard', isStaff: true });
      await reportFailure(error, reply);
    }
  }

  async function onButton(interaction: APIMessageComponentInteraction, action: string, reply: InteractionResponder): Promise<void> {
    const ticket = interaction.channel ? await service.byThread(interaction.channel.id) : undefined;
    if (!ticket || !interaction.guild_id) return reply.replyEphemeral('This ticket is no longer known here.');
    const ref = { guildId: ticket.guildId, number: ticket.number };
    const category = ticket.categoryId ? ((await categories.get(ticket.guildId, ticket.categoryId)) ?? null) : null;
    const actor = actorOf(interaction.member, category);
    if (!actor.isStaff && ['assign', 'pending', 'ban', 'warn'].includes(action)) {
      return reply.replyEphemeral('Only staff of this ticket category can do that.');
    }
    switch (action) {
      case 'assign': {
        const result = await service.assign(ref, actor.id, actor);
        return reply.replyEphemeral(result.ok ? `You have ticket #${ticket.number} now.` : refusalText(result));
      }
      case 'pending': {
        const result = await service.setStatus(ref, 'pending', actor);
        return reply.replyEphemeral(result.ok ? `Ticket #${ticket.number} is waiting on <@${ticket.creatorId}>.` : refusalText(result));
      }
      case 'close': {
        await reply.defer({ ephemeral: true });
        const result = await service.close(ref, { reason: null }, actor);
        if (!result.ok) {
          await reply.editReply(refusalText(result));
          return;
        }
        await reply.editReply(`Ticket #${ticket.number} is closed; the transcript is in the archive log.`);
        await closeInDiscord(result).catch((error: unknown) => logger.warn({ err: error, ticket: ticket.id }, 'could not archive a closed ticket in Discord'));
        return;
      }
      default:
        return reply.replyEphemeral('That action is not available yet.');
    }
  }

  return {
    ...TICKETS_MODULE_DECLARATION,
    manager: channelManager,
    closeInDiscord,
    async warnInDiscord(ticket, closesAt) {
      if (!ticket.threadId) return;
      await options.api().channels.createMessage(ticket.threadId, {
        content: `<@${ticket.creatorId}> this ticket has been quiet for a while and will close <t:${Math.floor(closesAt / 1000)}:R> unless someone writes here.`,
        allowed_mentions: { users: [ticket.creatorId] },
      });
    },

    async onCommand(interaction, reply) {
      const subcommand = interaction.data.options?.[0]?.name;
      if (subcommand === 'open') {
        const categoryName = optionValue(interaction, 'category');
        const category = categoryName && interaction.guild_id ? await service.resolveCategory(interaction.guild_id, categoryName) : undefined;
        if (categoryName && !category) return reply.replyEphemeral(`There is no ticket category "${categoryName}" in this server.`);
        const priority = optionValue(interaction, 'priority') ?? 'normal';
        return reply.showModal({
          custom_id: buildCustomId(TICKETS_MODULE_NAME, 'open', category?.id ?? '-', priority),
          title: 'Open a ticket'.slice(0, MODAL_TITLE_MAX),
          components: [
            { type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: 'title', label: 'Title', style: TextInputStyle.Short, required: true, max_length: 80 }] },
            {
              type: ComponentType.ActionRow,
              components: [{ type: ComponentType.TextInput, custom_id: 'description', label: 'What do you need help with?', style: TextInputStyle.Paragraph, required: true, max_length: Math.min(2000, TEXT_INPUT_VALUE_MAX) }],
            },
          ],
        });
      }
      if (subcommand === 'close') {
        const ticket = interaction.channel ? await service.byThread(interaction.channel.id) : undefined;
        if (!ticket) return reply.replyEphemeral('Run /ticket close inside a ticket thread.');
        const category = ticket.categoryId ? ((await categories.get(ticket.guildId, ticket.categoryId)) ?? null) : null;
        await reply.defer({ ephemeral: true });
        const result = await service.close({ guildId: ticket.guildId, number: ticket.number }, { reason: optionValue(interaction, 'reason') ?? null }, actorOf(interaction.member, category));
        if (!result.ok) {
          await reply.editReply(refusalText(result));
          return;
        }
        await reply.editReply(`Ticket #${ticket.number} is closed.`);
        await closeInDiscord(result).catch((error: unknown) => logger.warn({ err: error, ticket: ticket.id }, 'could not archive a closed ticket in Discord'));
        return;
      }
      return reply.replyEphemeral('Unknown /ticket subcommand.');
    },

    onModalSubmit: (interaction, route, reply) => (route.action === 'open' ? openFromModal(interaction, route.args, reply) : reply.replyEphemeral('Unknown form.')),
    onComponent: (interaction, route, reply) => onButton(interaction, route.action, reply),

    async onDispatch(event: GatewayDispatchPayload) {
      if (event.t !== 'MESSAGE_CREATE' || event.d.author.bot || !event.d.guild_id) return;
      const ticket = await service.byThread(event.d.channel_id);
      if (!ticket) return;
      const category = ticket.categoryId ? ((await categories.get(ticket.guildId, ticket.categoryId)) ?? null) : null;
      const member = event.d.member;
      await service.addMessage(
        { guildId: ticket.guildId, number: ticket.number },
        {
          authorId: event.d.author.id,
          authorName: member?.nick ?? event.d.author.global_name ?? event.d.author.username,
          content: event.d.content,
          source: 'discord',
          discordMessageId: event.d.id,
          isStaff: isTicketStaff(member?.roles ?? [], category, false),
        },
      );
    },
  };
}
