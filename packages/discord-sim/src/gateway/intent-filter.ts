/**
 * What a session sees of a dispatch given its intents: Discord hides message content without MESSAGE_CONTENT and
 * other members without GUILD_MEMBERS. Each function returns a variant key so a dispatch is serialised once per
 * variant, not once per session.
 */
import { Intent } from './protocol.ts';

interface MessageLike {
  author?: { id?: string };
  mentions?: Array<{ id?: string }>;
  guild_id?: string;
}

export interface Variant {
  key: string;
  render: () => unknown;
}

const PASS = 'full';

export function variantFor(event: string, data: unknown, intents: number, botUserId: string): Variant {
  const full: Variant = { key: PASS, render: () => data };
  if (typeof data !== 'object' || data === null) return full;
  switch (event) {
    case 'MESSAGE_CREATE':
    case 'MESSAGE_UPDATE':
      return (intents & Intent.MessageContent) !== 0 || messageVisible(data as MessageLike, botUserId)
        ? full
        : { key: 'no-content', render: () => withoutContent(data as Record<string, unknown>) };
    case 'GUILD_CREATE':
      return guildCreateVariant(data as Record<string, unknown>, intents, botUserId);
    case 'THREAD_MEMBERS_UPDATE':
      return (intents & Intent.GuildMembers) !== 0 ? full : { key: 'bot-only', render: () => botOnlyThreadMembers(data as Record<string, unknown>, botUserId) };
    default:
      return full;
  }
}

/** Discord still shows content in DMs, in the bot's own messages and in messages that mention the bot. */
function messageVisible(message: MessageLike, botUserId: string): boolean {
  if (!message.guild_id) return true;
  if (message.author?.id === botUserId) return true;
  return message.mentions?.some((m) => m.id === botUserId) ?? false;
}

function withoutContent(message: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...message, content: '', embeds: [], attachments: [], components: [] };
  delete copy.poll;
  return copy;
}

function guildCreateVariant(guild: Record<string, unknown>, intents: number, botUserId: string): Variant {
  if ((intents & Intent.GuildMembers) !== 0) return { key: PASS, render: () => guild };
  return {
    key: 'bot-member-only',
    render: () => {
      const members = Array.isArray(guild.members) ? (guild.members as Array<{ user?: { id?: string } }>) : [];
      return { ...guild, members: members.filter((m) => m.user?.id === botUserId) };
    },
  };
}

function botOnlyThreadMembers(update: Record<string, unknown>, botUserId: string): Record<string, unknown> | null {
  const added = Array.isArray(update.added_members) ? (update.added_members as Array<{ user_id?: string }>) : [];
  const mine = added.filter((m) => m.user_id === botUserId);
  const removed = Array.isArray(update.removed_member_ids) ? (update.removed_member_ids as string[]).filter((id) => id === botUserId) : [];
  if (mine.length === 0 && removed.length === 0) return null;
  const copy: Record<string, unknown> = { ...update, added_members: mine };
  if (removed.length > 0) copy.removed_member_ids = removed;
  else delete copy.removed_member_ids;
  return copy;
}
