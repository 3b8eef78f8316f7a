/** Guild channels, categories and DM channels, with Discord's limits on how many a guild and a category may hold. */
import { CHANNELS_PER_CATEGORY_MAX, CHANNELS_PER_GUILD_MAX } from 'discord-limits';
import { ChannelKind } from './entities.ts';
import type { SimChannel, SimGuild } from './entities.ts';
import type { SimulatedState } from './simulated-state.ts';
import { ApiError, ErrorCode, invalidField } from '../rest/errors.ts';
import type { Overwrite } from '../util/permissions.ts';
import { snowflake } from '../util/snowflake.ts';

export interface ChannelInput {
  name: string;
  type?: number;
  parent_id?: string | null;
  topic?: string | null;
  position?: number;
  nsfw?: boolean;
  rate_limit_per_user?: number;
  permission_overwrites?: Overwrite[];
}

function checkParent(state: SimulatedState, guild: SimGuild, parentId: string, movingId?: string): void {
  const parent = state.channels.get(parentId);
  if (!parent || parent.guild_id !== guild.id || parent.type !== ChannelKind.GuildCategory) {
    throw invalidField(['parent_id'], 'CHANNEL_PARENT_INVALID_TYPE', 'Not a category');
  }
  const children = state.guildChannels(guild.id).filter((c) => c.parent_id === parentId && c.id !== movingId).length;
  if (children >= CHANNELS_PER_CATEGORY_MAX) {
    throw invalidField(['parent_id'], 'CHANNEL_PARENT_MAX_CHANNELS', `Maximum number of channels in category reached (${CHANNELS_PER_CATEGORY_MAX})`);
  }
}

export function createChannel(state: SimulatedState, guild: SimGuild, input: ChannelInput, notify = true): SimChannel {
  const type = input.type ?? ChannelKind.GuildText;
  if (state.guildChannels(guild.id).length >= CHANNELS_PER_GUILD_MAX) throw new ApiError(400, ErrorCode.TooManyGuildChannels);
  const parentId = type === ChannelKind.GuildCategory ? null : input.parent_id ?? null;
  if (parentId) checkParent(state, guild, parentId);
  const channel: SimChannel = {
    id: snowflake(),
    type,
    guild_id: guild.id,
    name: input.name,
    position: input.position ?? state.guildChannels(guild.id).filter((c) => c.type === type).length,
    parent_id: parentId,
    permission_overwrites: input.permission_overwrites ?? [],
    flags: 0,
    last_message_id: null,
  };
  if (type !== ChannelKind.GuildCategory) {
    channel.topic = input.topic ?? null;
    channel.nsfw = input.nsfw ?? false;
    channel.rate_limit_per_user = input.rate_limit_per_user ?? 0;
  }
  state.channels.set(channel.id, channel);
  if (notify) state.emit('CHANNEL_CREATE', channel, { guildId: guild.id });
  return channel;
}

export type ChannelPatch = Partial<Omit<ChannelInput, 'type'>>;

export function updateChannel(state: SimulatedState, channel: SimChannel, patch: ChannelPatch): SimChannel {
  const guild = state.guildOf(channel);
  if (patch.parent_id !== undefined && patch.parent_id !== channel.parent_id) {
    if (patch.parent_id !== null) checkParent(state, guild, patch.parent_id, channel.id);
    channel.parent_id = patch.parent_id;
  }
  if (patch.name !== undefined) channel.name = patch.name;
  if (patch.topic !== undefined) channel.topic = patch.topic;
  if (patch.position !== undefined) channel.position = patch.position;
  if (patch.nsfw !== undefined) channel.nsfw = patch.nsfw;
  if (patch.rate_limit_per_user !== undefined) channel.rate_limit_per_user = patch.rate_limit_per_user;
  if (patch.permission_overwrites !== undefined) channel.permission_overwrites = patch.permission_overwrites;
  state.emit('CHANNEL_UPDATE', channel, { guildId: guild.id });
  return channel;
}

/** Deletes a channel with its messages and threads; a category's children stay, without a parent. */
export function deleteChannel(state: SimulatedState, channel: SimChannel): void {
  const guildId = channel.guild_id;
  state.channels.delete(channel.id);
  dropMessages(state, channel.id);
  if (channel.thread_metadata) {
    state.threadMembers.delete(channel.id);
    state.emit('THREAD_DELETE', { id: channel.id, guild_id: guildId, parent_id: channel.parent_id, type: channel.type }, { guildId });
    return;
  }
  state.emit('CHANNEL_DELETE', channel, { guildId });
  for (const other of [...state.channels.values()]) {
    if (other.parent_id !== channel.id) continue;
    if (other.thread_metadata) deleteChannel(state, other);
    else {
      other.parent_id = null;
      state.emit('CHANNEL_UPDATE', other, { guildId });
    }
  }
}

function dropMessages(state: SimulatedState, channelId: string): void {
  const messages = state.messages.get(channelId);
  if (!messages) return;
  for (const id of messages.keys()) state.messageChannel.delete(id);
  state.messages.delete(channelId);
}

/** The bot's DM channel with a user, created on first use as Discord does. */
export function openDm(state: SimulatedState, userId: string): SimChannel {
  const user = state.requireUser(userId);
  const existing = state.dmChannels.get(userId);
  if (existing) {
    const channel = state.channels.get(existing);
    if (channel) return channel;
  }
  const channel: SimChannel = { id: snowflake(), type: ChannelKind.DM, last_message_id: null, flags: 0, recipients: [user] };
  state.channels.set(channel.id, channel);
  state.dmChannels.set(userId, channel.id);
  return channel;
}

/** The user on the other side of a DM channel. */
export function dmRecipient(channel: SimChannel): string | undefined {
  return channel.type === ChannelKind.DM ? channel.recipients?.[0]?.id : undefined;
}
