/**
 * The first message of a ticket's thread: an embed with who opened it, its status, priority, category and
 * creation time, and the staff buttons (Assign to Me, Close Ticket, Mark Pending, Ban User, Warn User, and a
 * link to the dashboard). Button custom_ids are `tickets:<action>:<ticketId>`, so the ticket module
 * receives the clicks. Every text is cut to Discord's limits.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord-api-types/v10';
import {
  ACTION_ROWS_MAX,
  BUTTONS_PER_ROW_MAX,
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_TITLE_MAX,
  EMBED_TOTAL_MAX,
} from 'discord-limits';
import { buildCustomId } from '../../../interactions/custom-id.ts';
import { cutText } from '../../../discord/cut-text.ts';

export const TICKETS_OWNER = 'tickets';
export const URGENT_COLOR = 0xed4245;
export const DEFAULT_COLOR = 0x5865f2;
export const TICKET_FOOTER = 'Support Team • Reply in this thread for assistance';

export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export type TicketStatus = 'open' | 'pending' | 'assigned' | 'closed';

/** The button actions, in the order they appear; the ticket module routes on these names. */
export const TICKET_ACTIONS = ['assign', 'close', 'pending', 'ban', 'warn'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export type TicketEmbedInput = {
  ticketId: string;
  number: number;
  title: string;
  description: string;
  creatorId: string;
  status: TicketStatus;
  priority: TicketPriority;
  category: { name: string; emoji?: string };
  createdAt: Date;
  /** Where the dashboard shows this ticket. */
  dashboardUrl: string;
};

export type TicketMessage = { embed: APIEmbed; components: APIActionRowComponent<APIComponentInMessageActionRow>[] };

const PRIORITY_LABEL: Record<TicketPriority, string> = { urgent: '🔴 Urgent', high: '🟠 High', normal: '🟢 Normal', low: '🔵 Low' };
const STATUS_LABEL: Record<TicketStatus, string> = { open: '✅ Open', pending: '⏸️ Pending', assigned: '✋ Assigned', closed: '🔒 Closed' };

const BUTTONS: Record<TicketAction, { label: string; emoji: string; style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger }> = {
  assign: { label: 'Assign to Me', emoji: '✋', style: ButtonStyle.Primary },
  close: { label: 'Close Ticket', emoji: '🔒', style: ButtonStyle.Danger },
  pending: { label: 'Mark Pending', emoji: '⏸️', style: ButtonStyle.Secondary },
  ban: { label: 'Ban User', emoji: '🔨', style: ButtonStyle.Danger },
  warn: { label: 'Warn User', emoji: '⚠️', style: ButtonStyle.Secondary },
};

/** `<t:seconds:F>`: Discord shows the full date and time in each reader's own time zone. */
export function discordTimestamp(at: Date, style: 'F' | 'R' = 'F'): string {
  return `<t:${Math.floor(at.getTime() / 1000)}:${style}>`;
}

export function ticketEmbed(input: TicketEmbedInput): APIEmbed {
  const category = `${input.category.emoji ?? '🎫'} ${input.category.name}`;
  const fields = [
    { name: 'Created By', value: `<@${input.creatorId}>`, inline: true },
    { name: 'Status', value: STATUS_LABEL[input.status], inline: true },
    { name: 'Priority', value: PRIORITY_LABEL[input.priority], inline: true },
    { name: 'Category', value: cutText(category, EMBED_FIELD_VALUE_MAX), inline: true },
    { name: 'Created', value: discordTimestamp(input.createdAt), inline: true },
  ];
  const title = cutText(`🎫 Ticket #${input.number}`, EMBED_TITLE_MAX);
  const fixed = title.length + TICKET_FOOTER.length + fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const bold = `**${cutText(input.title.trim(), EMBED_TITLE_MAX)}**`;
  const body = input.description.trim();
  const descriptionMax = Math.min(EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX - fixed);
  return {
    title,
    description: cutText(body === '' ? bold : `${bold}\n\n${body}`, descriptionMax),
    fields,
    color: input.priority === 'urgent' ? URGENT_COLOR : DEFAULT_COLOR,
    footer: { text: TICKET_FOOTER },
    timestamp: input.createdAt.toISOString(),
  };
}

function actionButton(action: TicketAction, ticketId: string): APIButtonComponent {
  const spec = BUTTONS[action];
  return { type: ComponentType.Button, style: spec.style, label: spec.label, emoji: { name: spec.emoji }, custom_id: buildCustomId(TICKETS_OWNER, action, ticketId) };
}

/** The staff buttons: Assign, Close, Pending and Ban on the first row; Warn and the dashboard link on the second. */
export function ticketButtons(ticketId: string, dashboardUrl: string): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const link: APIButtonComponent = { type: ComponentType.Button, style: ButtonStyle.Link, label: 'View Dashboard', emoji: { name: '🔗' }, url: dashboardUrl };
  const rows: APIButtonComponent[][] = [
    [actionButton('assign', ticketId), actionButton('close', ticketId), actionButton('pending', ticketId), actionButton('ban', ticketId)],
    [actionButton('warn', ticketId), link],
  ];
  if (rows.length > ACTION_ROWS_MAX || rows.some((row) => row.length > BUTTONS_PER_ROW_MAX)) throw new Error('the ticket buttons do not fit in a message');
  return rows.map((components) => ({ type: ComponentType.ActionRow, components }));
}

export function ticketMessage(input: TicketEmbedInput): TicketMessage {
  return { embed: ticketEmbed(input), components: ticketButtons(input.ticketId, input.dashboardUrl) };
}
