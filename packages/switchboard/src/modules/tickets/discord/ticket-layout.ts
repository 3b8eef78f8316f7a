/**
 * Where ticket threads live, decided from the guild's channels without calling Discord. Tickets go into one
 * text channel per ticket category (`#general-support`, `#bug-reports`, …) under the "🎫 Active Tickets"
 * category; when that category holds Discord's maximum of children, the next channel goes into
 * "🎫 Active Tickets 2", then 3, and so on. Closed tickets are logged in one channel under "📦 Ticket
 * Archive", placed by the same rules. A plan either names the steps to take (reuse, create a channel in an
 * existing category, create a category and the channel) or refuses with a sentence when the guild has no
 * room left for the channels the steps would create.
 */
import { ChannelType } from 'discord-api-types/v10';
import { CHANNEL_NAME_MAX, CHANNELS_PER_CATEGORY_MAX, CHANNELS_PER_GUILD_MAX } from 'discord-limits';

export const ACTIVE_TICKETS_CATEGORY = '🎫 Active Tickets';
export const TICKET_ARCHIVE_CATEGORY = '📦 Ticket Archive';
export const ARCHIVE_LOG_CHANNEL = 'ticket-log';
const FALLBACK_CHANNEL_NAME = 'tickets';

export type LayoutChannelType = 'category' | 'text' | 'other';

/** One of the guild's channels (threads excluded: they do not count towards the channel limits). */
export type LayoutChannel = { id: string; name: string; type: LayoutChannelType; parentId: string | null };

export type Placement =
  | { kind: 'reuse'; channelId: string; channelName: string; categoryId: string }
  | { kind: 'create-channel'; channelName: string; categoryId: string }
  | { kind: 'create-category-and-channel'; categoryName: string; channelName: string };

export type PlacementRefusal = { ok: false; reason: 'guild-channel-limit'; message: string };
export type PlacementPlan = { ok: true; placement: Placement } | PlacementRefusal;

/** The name Discord would give a text channel: lower case, dashes for spaces, no `#`, within the limit. */
export function ticketChannelName(configured: string): string {
  const name = configured
    .trim()
    .replace(/^#+/, '')
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = Array.from(name).reduce((kept, char) => (kept.length + char.length <= CHANNEL_NAME_MAX ? kept + char : kept), '');
  return cut === '' ? FALLBACK_CHANNEL_NAME : cut;
}

/** The number of a category in the family `base`, `base 2`, `base 3` …; null when it is not one of them. */
export function categoryNumber(name: string, base: string): number | null {
  if (name === base) return 1;
  if (!name.startsWith(`${base} `)) return null;
  const rest = name.slice(base.length + 1);
  if (!/^[1-9]\d{0,5}$/.test(rest)) return null;
  const number = Number(rest);
  return number >= 2 ? number : null;
}

/** The name of category number `n` of the family. */
export function categoryName(base: string, number: number): string {
  return number === 1 ? base : `${base} ${number}`;
}

type FamilyMember = { category: LayoutChannel; number: number; children: LayoutChannel[] };

/** The categories of the family, lowest number first, each with its children. */
function family(channels: readonly LayoutChannel[], base: string): FamilyMember[] {
  const members: FamilyMember[] = [];
  for (const channel of channels) {
    if (channel.type !== 'category') continue;
    const number = categoryNumber(channel.name, base);
    if (number === null) continue;
    members.push({ category: channel, number, children: channels.filter((c) => c.parentId === channel.id) });
  }
  return members.sort((a, b) => a.number - b.number || a.category.id.localeCompare(b.category.id));
}

/** The lowest number no category of the family uses. */
function freeNumber(members: readonly FamilyMember[]): number {
  const used = new Set(members.map((m) => m.number));
  let number = 1;
  while (used.has(number)) number += 1;
  return number;
}

function refusal(total: number, channelName: string, withCategory: boolean): PlacementRefusal {
  const what = withCategory ? `#${channelName} and a category for it` : `#${channelName}`;
  return {
    ok: false,
    reason: 'guild-channel-limit',
    message: `This server has ${total} channels, Discord's limit is ${CHANNELS_PER_GUILD_MAX}, so I can't create ${what}; delete unused channels or categories and try again.`,
  };
}

/** Where the channel `channelName` of the category family `base` is, or the steps to create it. */
export function planPlacement(channels: readonly LayoutChannel[], base: string, channelName: string): PlacementPlan {
  const name = ticketChannelName(channelName);
  const members = family(channels, base);
  for (const member of members) {
    const existing = member.children.find((c) => c.type === 'text' && c.name.toLowerCase() === name);
    if (existing) return { ok: true, placement: { kind: 'reuse', channelId: existing.id, channelName: existing.name, categoryId: member.category.id } };
  }
  const total = channels.length;
  const withRoom = members.find((m) => m.children.length < CHANNELS_PER_CATEGORY_MAX);
  if (withRoom) {
    if (total + 1 > CHANNELS_PER_GUILD_MAX) return refusal(total, name, false);
    return { ok: true, placement: { kind: 'create-channel', channelName: name, categoryId: withRoom.category.id } };
  }
  if (total + 2 > CHANNELS_PER_GUILD_MAX) return refusal(total, name, true);
  return { ok: true, placement: { kind: 'create-category-and-channel', categoryName: categoryName(base, freeNumber(members)), channelName: name } };
}

/** Where tickets of the category whose channel is named `channelName` go. */
export function planTicketChannel(channels: readonly LayoutChannel[], channelName: string): PlacementPlan {
  return planPlacement(channels, ACTIVE_TICKETS_CATEGORY, channelName);
}

/** Where closed tickets are logged. */
export function planArchiveLog(channels: readonly LayoutChannel[]): PlacementPlan {
  return planPlacement(channels, TICKET_ARCHIVE_CATEGORY, ARCHIVE_LOG_CHANNEL);
}

/** A channel as Discord returns it, reduced to what the plan needs. */
export function layoutChannel(channel: { id: string; name?: string | null; type: number; parent_id?: string | null }): LayoutChannel {
  const type: LayoutChannelType = channel.type === ChannelType.GuildCategory ? 'category' : channel.type === ChannelType.GuildText ? 'text' : 'other';
  return { id: channel.id, name: channel.name ?? '', type, parentId: channel.parent_id ?? null };
}
