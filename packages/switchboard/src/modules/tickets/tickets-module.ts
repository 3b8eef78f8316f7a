/**
 * The tickets module in Discord. `/ticket open` (or the panel `/ticket panel` posts) asks for a title and
 * description in a form, creates the ticket and opens its private thread; the buttons on the ticket's first
 * message assign, mark pending, close, ban and warn — staff only, and ban and warn also need the matching
 * Discord permission and a confirmation; the creator rates the help from the DM sent at closing. The ticket
 * core decides; `TicketDiscordSync` shows every change in Discord, whichever side it came from.
 */
import type { API } from '@discordjs/core';
import {
  ApplicationCommandOptionType,
  ButtonStyle,
  ComponentType,
  GatewayIntentBits,
  PermissionFlagsBits,
  TextInputStyle,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionGuildMember,
  type APIMessageComponentInteraction,
  type APIModalInteractionResponseCallbackData,
  type APIModalSubmitInteraction,
  type GatewayDispatchPayload,
} from 'discord-api-types/v10';
import { SELECT_OPTIONS_MAX, TEXT_INPUT_VALUE_MAX } from 'discord-limits';
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
import { TICKET_COMMAND } from './ticket-commands.ts';
import type { TicketCategoryService } from './ticket-category-service.ts';
import { TicketDiscordSync } from './ticket-discord-sync.ts';
import type { TicketChange, TicketCloseChange } from './ticket-results.ts';
import type { TicketService } from './ticket-service.ts';
import { isTicketStaff } from './ticket-staff.ts';
import { memberHolds } from '../../discord/member-permissions.ts';

export const TICKETS_MODULE_NAME = 'tickets';
const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'urgent'];

export type TicketsModuleOptions = {
  service: TicketService;
  categories: TicketCategoryService;
  api: () => API;
  logger: Logger;
  /** Where the dashboard shows a ticket. */
  dashboardUrl: (ticket: TicketRecord) => string;
  /** The guild's own ticket staff roles (its configuration); none by default. */
  guildStaffRoles?: (guildId: string) => Promise<readonly string[]>;
  /**
   * Whether a channel is a thread, undefined when not known. A message in a channel known not to be a
   * thread cannot be in a ticket, so it is not looked up (one query per message of every channel was
   * most of the module's work while a bot's channels were busy).
   */
  isThread?: (channelId: string) => boolean | undefined;
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

export type TicketsModule = HubModule & {
  manager: () => TicketChannelManager;
  /** Shows in Discord a change made through the API. */
  mirror(change: TicketChange): Promise<void>;
  closeInDiscord(change: TicketCloseChange): Promise<void>;
  warnInDiscord(ticket: TicketRecord, closesAt: number): Promise<void>;
};


/** The subcommand's path (`open`, `category add`) and its options, from a command with groups or not. */
function commandParts(interaction: APIChatInputApplicationCommandInteraction): { path: string; value(name: string): string | undefined } {
  let path: string[] = [];
  let options = interaction.data.options ?? [];
  for (let first = options[0]; first && (first.type === ApplicationCommandOptionType.SubcommandGroup || first.type === ApplicationCommandOptionType.Subcommand); first = options[0]) {
    path = [...path, first.name];
    options = 'options' in first && first.options ? (first.options as typeof options) : [];
  }
  return {
    path: path.join(' '),
    value: (name) => {
      const option = options.find((o) => o.name === name);
      return option && 'value' in option && typeof option.value === 'string' ? option.value : undefined;
    },
  };
}

function modalField(interaction: APIModalSubmitInteraction, id: string): string {
  return interaction.data.components.flatMap((row) => ('components' in row ? row.components : [])).find((c) => c.custom_id === id)?.value?.trim() ?? '';
}

function openForm(categoryId: string, priority: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: buildCustomId(TICKETS_MODULE_NAME, 'open', categoryId, priority),
    title: 'Open a ticket',
    components: [
      { type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: 'title', label: 'Title', style: TextInputStyle.Short, required: true, max_length: 80 }] },
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id: 'description', label: 'What do you need help with?', style: TextInputStyle.Paragraph, required: true, max_length: Math.min(2000, TEXT_INPUT_VALUE_MAX) }],
      },
    ],
  };
}

export function createTicketsModule(options: TicketsModuleOptions): TicketsModule {
  const { service, categories, logger } = options;
  let manager: TicketChannelManager | undefined;
  const channelManager = () =>
    (manager ??= new TicketChannelManager({
      api: options.api(),
      closedTicketThreads: async (guildId) =>
        (await service.list({ guildId, status: 'closed', limit: 100, offset: 0 })).tickets.map((t) => t.threadId).filter((id): id is string => id !== null),
    }));
  const sync = new TicketDiscordSync({
    service,
    categories,
    manager: channelManager,
    api: options.api,
    logger,
    dashboardUrl: options.dashboardUrl,
    ...(options.guildStaffRoles ? { guildStaffRoles: options.guildStaffRoles } : {}),
  });

  const guildStaff = async (guildId: string | undefined): Promise<readonly string[]> => (guildId && options.guildStaffRoles ? options.guildStaffRoles(guildId) : []);
  const actorOf = async (member: APIInteractionGuildMember | undefined, category: TicketCategoryRecord | null, guildId: string | undefined) => ({
    id: member?.user.id ?? 'unknown',
    isStaff: isTicketStaff(member?.roles ?? [], category, memberHolds(member, PermissionFlagsBits.ManageGuild), await guildStaff(guildId)),
  });

  /** Tells the user in words what Discord refused; anything else goes to the router (reference id, log). */
  async function reportFailure(error: unknown, reply: InteractionResponder): Promise<void> {
    if (error instanceof TicketLimitRefusal || error instanceof TicketDiscordFailure) {
      logger.warn({ err: error }, 'a ticket action failed in Discord');
      await reply.editReply(error.message);
      return;
    }
    throw error;
  }

  async function openFromForm(interaction: APIModalSubmitInteraction, args: string[], reply: InteractionResponder): Promise<void> {
    const guildId = interaction.guild_id;
    const member = interaction.member;
    if (!guildId || !member) return reply.replyEphemeral('Tickets can only be opened in a server.');
    await reply.defer({ ephemeral: true });
    const [categoryId, priority] = args;
    const created = await service.create({
      guildId,
      category: categoryId && categoryId !== '-' ? categoryId : null,
      title: modalField(interaction, 'title'),
      description: modalField(interaction, 'description'),
      priority: PRIORITIES.includes(priority as TicketPriority) ? (priority as TicketPriority) : 'normal',
      creatorId: member.user.id,
    });
    if (!created.ok) {
      await reply.editReply(created.reason);
      return;
    }
    try {
      const threadId = await sync.openThread(created.ticket, created.category);
      await reply.editReply(`Ticket #${created.ticket.number} is open: <#${threadId}>`);
    } catch (error) {
      // Without its thread the ticket cannot be worked in Discord: close it, with the reason kept.
      await service.close({ guildId, number: created.ticket.number }, { reason: 'its thread could not be created' }, { id: 'switchboard', isStaff: true });
      await reportFailure(error, reply);
    }
  }

  async function ticketHere(interaction: APIMessageComponentInteraction | APIModalSubmitInteraction | APIChatInputApplicationCommandInteraction) {
    const ticket = interaction.channel ? await service.byThread(interaction.channel.id) : undefined;
    if (!ticket) return undefined;
    const category = await sync.categoryOf(ticket);
    return { ticket, category, ref: { guildId: ticket.guildId, number: ticket.number }, actor: await actorOf(interaction.member, category, interaction.guild_id) };
  }

  async function manageCategories(guildId: string, command: ReturnType<typeof commandParts>, reply: InteractionResponder): Promise<void> {
    if (command.path === 'category list') {
      const list = await categories.list(guildId);
      return reply.replyEphemeral(
        list.length === 0
          ? 'No ticket categories yet: add one with /ticket category add.'
          : list.map((c) => `${c.emoji ?? '•'} **${c.name}** → #${c.channelName ?? c.name}${c.staffRoleIds.length ? `, staff ${c.staffRoleIds.map((r) => `<@&${r}>`).join(' ')}` : ''}`).join('\n').slice(0, 2000),
      );
    }
    const name = command.value('name') ?? '';
    if (command.path === 'category remove') {
      const category = await service.resolveCategory(guildId, name);
      if (!category) return reply.replyEphemeral(`There is no ticket category "${name}".`);
      const removed = await categories.delete(guildId, category.id);
      return reply.replyEphemeral(removed.ok ? `Removed the ticket category **${category.name}**.` : removed.reason);
    }
    const staff = command.value('staff');
    const ping = command.value('ping');
    const created = await categories.create(guildId, {
      name,
      emoji: command.value('emoji') ?? null,
      description: command.value('description') ?? null,
      staffRoleIds: staff ? [staff] : [],
      pingRoleIds: ping ? [ping] : [],
      channelName: command.value('channel') ? ticketChannelName(command.value('channel')!) : null,
    });
    return reply.replyEphemeral(created.ok ? `Added the ticket category **${created.category.name}**.` : created.reason);
  }

  async function closeHere(interaction: APIMessageComponentInteraction | APIChatInputApplicationCommandInteraction, reason: string | null, reply: InteractionResponder) {
    const here = await ticketHere(interaction);
    if (!here) return reply.replyEphemeral('Run this inside a ticket thread.');
    await reply.defer({ ephemeral: true });
    const result = await service.close(here.ref, { reason }, here.actor);
    if (!result.ok) {
      await reply.editReply(result.reason);
      return;
    }
    await reply.editReply(`Ticket #${here.ticket.number} is closed; the transcript is in the archive log.`);
    await sync.mirror(result);
  }

  async function onButton(interaction: APIMessageComponentInteraction, action: string, args: string[], reply: InteractionResponder): Promise<void> {
    if (action === 'rate') {
      const [guildId, number, stars] = args;
      const result = await service.rate({ guildId: guildId ?? '', number: Number(number) }, Number(stars), { id: (interaction.user ?? interaction.member?.user)!.id, isStaff: false });
      return reply.update({ content: result.ok ? `Thanks for rating ticket #${number}: ${'⭐'.repeat(Number(stars))}` : result.reason, components: [] });
    }
    if (action === 'panel') {
      const categoryId = interaction.data.component_type === ComponentType.StringSelect ? (interaction.data.values[0] ?? '-') : '-';
      return reply.showModal(openForm(categoryId, 'normal'));
    }
    const here = await ticketHere(interaction);
    if (!here) return reply.replyEphemeral('This ticket is no longer known here.');
    const { ticket, ref, actor } = here;
    if (!actor.isStaff && action !== 'close') return reply.replyEphemeral('Only staff of this ticket category can do that.');
    switch (action) {
      case 'assign': {
        const result = await service.assign(ref, actor.id, actor);
        await reply.replyEphemeral(result.ok ? `You have ticket #${ticket.number} now.` : result.reason);
        if (result.ok) await sync.mirror(result);
        return;
      }
      case 'pending': {
        const result = await service.setStatus(ref, 'pending', actor);
        await reply.replyEphemeral(result.ok ? `Ticket #${ticket.number} is waiting on <@${ticket.creatorId}>.` : result.reason);
        if (result.ok) await sync.mirror(result);
        return;
      }
      case 'close':
        return closeHere(interaction, null, reply);
      case 'ban':
        if (!memberHolds(interaction.member, PermissionFlagsBits.BanMembers)) return reply.replyEphemeral('Banning needs the Ban Members permission.');
        return reply.replyEphemeral({
          content: `Ban <@${ticket.creatorId}> from this server? This cannot be undone here.`,
          allowed_mentions: { parse: [] },
          components: [
            {
              type: ComponentType.ActionRow,
              components: [{ type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Ban', custom_id: buildCustomId(TICKETS_MODULE_NAME, 'ban-confirm', ticket.id) }],
            },
          ],
        });
      case 'ban-confirm':
        if (!memberHolds(interaction.member, PermissionFlagsBits.BanMembers)) return reply.update({ content: 'Banning needs the Ban Members permission.', components: [] });
        await options.api().guilds.banUser(ticket.guildId, ticket.creatorId, {}, { reason: `Ticket #${ticket.number}, by ${actor.id}` });
        return reply.update({ content: `<@${ticket.creatorId}> is banned.`, components: [], allowed_mentions: { parse: [] } });
      case 'warn':
        if (!memberHolds(interaction.member, PermissionFlagsBits.ModerateMembers)) return reply.replyEphemeral('Warning needs the Timeout Members permission.');
        return reply.showModal({
          custom_id: buildCustomId(TICKETS_MODULE_NAME, 'warn', ticket.id),
          title: 'Warn the ticket creator',
          components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: 'reason', label: 'Reason (sent to them)', style: TextInputStyle.Paragraph, required: true, max_length: 1000 }] }],
        });
      default:
        return reply.replyEphemeral('Unknown ticket action.');
    }
  }

  async function warnFromForm(interaction: APIModalSubmitInteraction, reply: InteractionResponder): Promise<void> {
    const here = await ticketHere(interaction);
    if (!here || !here.actor.isStaff || !memberHolds(interaction.member, PermissionFlagsBits.ModerateMembers)) {
      return reply.replyEphemeral('Only staff with the Timeout Members permission can warn.');
    }
    const reason = modalField(interaction, 'reason');
    const { total } = await service.warn({ guildId: here.ticket.guildId, userId: here.ticket.creatorId, staffId: here.actor.id, reason });
    let delivered = true;
    try {
      const dm = await options.api().users.createDM(here.ticket.creatorId);
      await options.api().channels.createMessage(dm.id, { content: `You received a warning about ticket #${here.ticket.number}: ${reason}`.slice(0, 2000) });
    } catch {
      delivered = false; // DMs closed: the warning is recorded all the same, and staff are told
    }
    await reply.replyEphemeral(`Warned <@${here.ticket.creatorId}> (${total} warning${total === 1 ? '' : 's'} in all)${delivered ? '' : ", but their DMs are closed, so they were not told"}.`);
  }

  return {
    ...TICKETS_MODULE_DECLARATION,
    manager: channelManager,
    mirror: (change) => sync.mirror(change),
    closeInDiscord: (change) => sync.closeInDiscord(change),
    warnInDiscord: (ticket, closesAt) => sync.warnInDiscord(ticket, closesAt),

    async onCommand(interaction, reply) {
      const command = commandParts(interaction);
      const subcommand = command.path;
      const guildId = interaction.guild_id;
      if (!guildId) return reply.replyEphemeral('Tickets live in servers.');
      if (subcommand.startsWith('category ')) {
        if (!memberHolds(interaction.member, PermissionFlagsBits.ManageGuild)) return reply.replyEphemeral('Ticket categories need the Manage Server permission.');
        return manageCategories(guildId, command, reply);
      }
      if (subcommand === 'open') {
        const categoryName = command.value('category');
        const category = categoryName ? await service.resolveCategory(guildId, categoryName) : undefined;
        if (categoryName && !category) return reply.replyEphemeral(`There is no ticket category "${categoryName}" in this server.`);
        return reply.showModal(openForm(category?.id ?? '-', command.value('priority') ?? 'normal'));
      }
      if (subcommand === 'panel') {
        if (!memberHolds(interaction.member, PermissionFlagsBits.ManageGuild)) return reply.replyEphemeral('Posting a ticket panel needs the Manage Server permission.');
        const list = (await categories.list(guildId)).slice(0, SELECT_OPTIONS_MAX);
        const picker =
          list.length > 0
            ? { type: ComponentType.StringSelect as const, custom_id: buildCustomId(TICKETS_MODULE_NAME, 'panel'), placeholder: 'What do you need help with?', options: list.map((c) => ({ label: c.name.slice(0, 100), value: c.id, ...(c.description ? { description: c.description.slice(0, 100) } : {}) })) }
            : { type: ComponentType.Button as const, style: ButtonStyle.Primary as const, label: 'Open a ticket', custom_id: buildCustomId(TICKETS_MODULE_NAME, 'panel') };
        await options.api().channels.createMessage(interaction.channel.id, {
          embeds: [{ title: '🎫 Support', description: 'Open a ticket and staff will help you in a private thread.', color: 0x5865f2 }],
          components: [{ type: ComponentType.ActionRow, components: [picker] }],
        });
        return reply.replyEphemeral('Panel posted.');
      }
      if (subcommand === 'close') return closeHere(interaction, command.value('reason') ?? null, reply);
      return reply.replyEphemeral('Unknown /ticket subcommand.');
    },

    onModalSubmit: (interaction, route, reply) =>
      route.action === 'open' ? openFromForm(interaction, route.args, reply) : route.action === 'warn' ? warnFromForm(interaction, reply) : reply.replyEphemeral('Unknown form.'),
    onComponent: (interaction, route, reply) => onButton(interaction, route.action, route.args, reply),

    async onDispatch(event: GatewayDispatchPayload) {
      if (event.t === 'THREAD_DELETE' || event.t === 'THREAD_UPDATE') return sync.reconcile(event);
      if (event.t !== 'MESSAGE_CREATE' || event.d.author.bot || !event.d.guild_id) return;
      if (options.isThread?.(event.d.channel_id) === false) return;
      const ticket = await service.byThread(event.d.channel_id);
      if (!ticket) return;
      const category = await sync.categoryOf(ticket);
      const member = event.d.member;
      await service.addMessage(
        { guildId: ticket.guildId, number: ticket.number },
        {
          authorId: event.d.author.id,
          authorName: member?.nick ?? event.d.author.global_name ?? event.d.author.username,
          content: event.d.content,
          source: 'discord',
          discordMessageId: event.d.id,
          isStaff: isTicketStaff(member?.roles ?? [], category, false, await guildStaff(ticket.guildId)),
        },
      );
    },
  };
}
