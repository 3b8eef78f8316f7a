/** Messages and reactions: create, edit, delete, list, and the gateway events each one causes. */
import { MESSAGES_PER_FETCH_MAX } from 'discord-limits';
import type { MessageRecord, SimChannel, SimMessage, SimUser } from './entities.ts';
import { parseMentions } from './mentions.ts';
import type { SimulatedState } from './simulated-state.ts';
import { compareSnowflakes, snowflake } from '../util/snowflake.ts';
import { ErrorCode, notFound } from '../rest/errors.ts';

/** Message flag for replies only the invoking user sees; the bot never receives them over the gateway. */
export const EPHEMERAL = 1 << 6;

export interface MessageInput {
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  attachments?: unknown[];
  flags?: number;
  tts?: boolean;
  type?: number;
  nonce?: string | number;
  message_reference?: SimMessage['message_reference'];
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Record<string, unknown>;
}

export function createMessage(state: SimulatedState, channel: SimChannel, author: SimUser, input: MessageInput): MessageRecord {
  const guild = channel.guild_id ? state.guilds.get(channel.guild_id) : undefined;
  const content = input.content ?? '';
  const mentions = parseMentions(content, state.users, guild);
  const id = snowflake();
  const message: SimMessage = {
    id,
    type: input.type ?? (input.message_reference ? 19 : 0),
    channel_id: channel.id,
    author,
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: input.tts ?? false,
    mention_everyone: mentions.everyone,
    mentions: mentions.users,
    mention_roles: mentions.roles,
    attachments: input.attachments ?? [],
    embeds: (input.embeds ?? []) as SimMessage['embeds'],
    components: input.components ?? [],
    pinned: false,
    flags: input.flags ?? 0,
  };
  if (guild) message.guild_id = guild.id;
  if (input.nonce !== undefined) message.nonce = input.nonce;
  if (input.message_reference) message.message_reference = { type: 0, channel_id: channel.id, guild_id: guild?.id, ...input.message_reference };
  if (input.webhook_id) message.webhook_id = input.webhook_id;
  if (input.application_id) message.application_id = input.application_id;
  if (input.interaction_metadata) message.interaction_metadata = input.interaction_metadata;
  const record: MessageRecord = { message, reactions: new Map() };
  state.channelMessages(channel.id).set(id, record);
  state.messageChannel.set(id, channel.id);
  channel.last_message_id = id;
  if (channel.thread_metadata) {
    message.position = channel.total_message_sent ?? 0;
    channel.message_count = (channel.message_count ?? 0) + 1;
    channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
  }
  if ((message.flags & EPHEMERAL) === 0) state.emit('MESSAGE_CREATE', dispatchPayload(state, record), { guildId: guild?.id });
  return record;
}

/** The message as a gateway dispatch carries it: with `member` for the author in guilds. */
function dispatchPayload(state: SimulatedState, record: MessageRecord): Record<string, unknown> {
  const payload = messagePayload(state, record);
  const guild = record.message.guild_id ? state.guilds.get(record.message.guild_id) : undefined;
  const member = guild?.members.get(record.message.author.id);
  if (guild && member && !record.message.webhook_id) {
    const { user: _user, ...partial } = state.memberPayload(guild, member);
    payload.member = partial;
  }
  return payload;
}

/** The message as REST returns it, with reactions counted from the bot's point of view. */
export function messagePayload(state: SimulatedState, record: MessageRecord): Record<string, unknown> {
  const payload: Record<string, unknown> = { ...record.message };
  if (record.reactions.size > 0) {
    const me = state.application.botUserId;
    payload.reactions = [...record.reactions.values()].map((r) => ({
      emoji: r.emoji,
      count: r.users.size,
      count_details: { burst: 0, normal: r.users.size },
      me: r.users.has(me),
      me_burst: false,
      burst_me: false,
      burst_colors: [],
    }));
  }
  return payload;
}

export function editMessage(state: SimulatedState, record: MessageRecord, patch: MessageInput): MessageRecord {
  const message = record.message;
  if (patch.content !== undefined) {
    message.content = patch.content;
    const guild = message.guild_id ? state.guilds.get(message.guild_id) : undefined;
    const mentions = parseMentions(patch.content, state.users, guild);
    message.mentions = mentions.users;
    message.mention_roles = mentions.roles;
    message.mention_everyone = mentions.everyone;
  }
  if (patch.embeds !== undefined) message.embeds = patch.embeds as SimMessage['embeds'];
  if (patch.components !== undefined) message.components = patch.components;
  if (patch.attachments !== undefined) message.attachments = patch.attachments;
  if (patch.flags !== undefined) message.flags = patch.flags;
  message.edited_timestamp = new Date().toISOString();
  if ((message.flags & EPHEMERAL) === 0) state.emit('MESSAGE_UPDATE', dispatchPayload(state, record), { guildId: message.guild_id });
  return record;
}

export function deleteMessage(state: SimulatedState, channel: SimChannel, messageId: string): void {
  const messages = state.messages.get(channel.id);
  if (!messages?.delete(messageId)) throw notFound(ErrorCode.UnknownMessage);
  state.messageChannel.delete(messageId);
  if (channel.thread_metadata) channel.message_count = Math.max(0, (channel.message_count ?? 1) - 1);
  state.emit('MESSAGE_DELETE', { id: messageId, channel_id: channel.id, guild_id: channel.guild_id }, { guildId: channel.guild_id });
}

export function bulkDeleteMessages(state: SimulatedState, channel: SimChannel, ids: string[]): void {
  const messages = state.channelMessages(channel.id);
  const deleted = ids.filter((id) => messages.delete(id));
  for (const id of deleted) state.messageChannel.delete(id);
  state.emit('MESSAGE_DELETE_BULK', { ids: deleted, channel_id: channel.id, guild_id: channel.guild_id }, { guildId: channel.guild_id });
}

export interface ListQuery {
  limit?: number;
  before?: string;
  after?: string;
  around?: string;
}

/** Messages newest first, as Discord returns them, windowed by before/after/around. */
export function listMessages(state: SimulatedState, channelId: string, query: ListQuery): MessageRecord[] {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), MESSAGES_PER_FETCH_MAX);
  const all = [...state.channelMessages(channelId).values()].sort((a, b) => compareSnowflakes(a.message.id, b.message.id));
  let window: MessageRecord[];
  if (query.around) {
    const around = query.around;
    const older = all.filter((r) => compareSnowflakes(r.message.id, around) <= 0).slice(-Math.ceil(limit / 2));
    const newer = all.filter((r) => compareSnowflakes(r.message.id, around) > 0).slice(0, limit - older.length);
    window = [...older, ...newer];
  } else if (query.after) {
    const after = query.after;
    window = all.filter((r) => compareSnowflakes(r.message.id, after) > 0).slice(0, limit);
  } else {
    const before = query.before;
    window = (before ? all.filter((r) => compareSnowflakes(r.message.id, before) < 0) : all).slice(-limit);
  }
  return window.reverse();
}

/** Parses the emoji of a reaction route: a unicode emoji, or `name:id` for a custom one. */
export function parseEmoji(raw: string): { key: string; emoji: { id: string | null; name: string | null } } {
  const custom = /^a?:?([\w~-]+):(\d{1,20})$/.exec(raw);
  if (custom) return { key: custom[2] ?? raw, emoji: { id: custom[2] ?? null, name: custom[1] ?? null } };
  return { key: raw, emoji: { id: null, name: raw } };
}

export function addReaction(state: SimulatedState, record: MessageRecord, rawEmoji: string, userId: string): void {
  const { key, emoji } = parseEmoji(rawEmoji);
  let entry = record.reactions.get(key);
  if (!entry) {
    entry = { emoji, users: new Set() };
    record.reactions.set(key, entry);
  }
  if (entry.users.has(userId)) return;
  entry.users.add(userId);
  const message = record.message;
  const payload: Record<string, unknown> = {
    user_id: userId,
    channel_id: message.channel_id,
    message_id: message.id,
    guild_id: message.guild_id,
    emoji,
    message_author_id: message.author.id,
    burst: false,
    burst_colors: [],
    type: 0,
  };
  const guild = message.guild_id ? state.guilds.get(message.guild_id) : undefined;
  const member = guild?.members.get(userId);
  if (guild && member) payload.member = state.memberPayload(guild, member);
  state.emit('MESSAGE_REACTION_ADD', payload, { guildId: message.guild_id });
}

export function removeReaction(state: SimulatedState, record: MessageRecord, rawEmoji: string, userId: string): void {
  const { key, emoji } = parseEmoji(rawEmoji);
  const entry = record.reactions.get(key);
  if (!entry?.users.delete(userId)) return;
  if (entry.users.size === 0) record.reactions.delete(key);
  const message = record.message;
  state.emit(
    'MESSAGE_REACTION_REMOVE',
    { user_id: userId, channel_id: message.channel_id, message_id: message.id, guild_id: message.guild_id, emoji, burst: false, type: 0 },
    { guildId: message.guild_id },
  );
}

export function reactionUsers(state: SimulatedState, record: MessageRecord, rawEmoji: string): SimUser[] {
  const entry = record.reactions.get(parseEmoji(rawEmoji).key);
  return [...(entry?.users ?? [])].map((id) => state.users.get(id)).filter((u): u is SimUser => u !== undefined);
}
