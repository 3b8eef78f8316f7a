/** Threads: creation (with or without a starter message), archiving and locking, members, and the active-thread cap. */
import { ACTIVE_THREADS_PER_GUILD_MAX } from 'discord-limits';
import { ChannelKind } from './entities.ts';
import type { SimChannel, SimGuild, ThreadMember } from './entities.ts';
import type { SimulatedState } from './simulated-state.ts';
import { ApiError, ErrorCode, notFound } from '../rest/errors.ts';
import { snowflake } from '../util/snowflake.ts';

/** Message flag Discord sets on a message that starts a thread. */
const HAS_THREAD = 1 << 5;

export interface ThreadInput {
  name: string;
  type?: number;
  auto_archive_duration?: number;
  invitable?: boolean;
  rate_limit_per_user?: number;
}

function activeThreads(state: SimulatedState, guildId: string): number {
  return state.guildThreads(guildId).filter((t) => !t.thread_metadata?.archived).length;
}

function assertRoomForActiveThread(state: SimulatedState, guildId: string): void {
  if (activeThreads(state, guildId) >= ACTIVE_THREADS_PER_GUILD_MAX) throw new ApiError(400, ErrorCode.MaxActiveThreads);
}

/** Creates a thread in `parent`; with `starterMessageId` the thread takes the message's id, as on Discord. */
export function createThread(state: SimulatedState, parent: SimChannel, ownerId: string, input: ThreadInput, starterMessageId?: string): SimChannel {
  const guild = state.guildOf(parent);
  assertRoomForActiveThread(state, guild.id);
  const now = new Date().toISOString();
  let type = input.type ?? ChannelKind.PrivateThread;
  if (starterMessageId) type = parent.type === ChannelKind.GuildAnnouncement ? ChannelKind.AnnouncementThread : ChannelKind.PublicThread;
  const thread: SimChannel = {
    id: starterMessageId ?? snowflake(),
    type,
    guild_id: guild.id,
    parent_id: parent.id,
    owner_id: ownerId,
    name: input.name,
    last_message_id: null,
    rate_limit_per_user: input.rate_limit_per_user ?? 0,
    flags: 0,
    message_count: 0,
    member_count: 0,
    total_message_sent: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: input.auto_archive_duration ?? 4320,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
    },
  };
  if (type === ChannelKind.PrivateThread && thread.thread_metadata) thread.thread_metadata.invitable = input.invitable ?? true;
  state.channels.set(thread.id, thread);
  if (starterMessageId) {
    const starter = state.requireMessage(parent.id, starterMessageId).message;
    starter.flags |= HAS_THREAD;
  }
  state.emit('THREAD_CREATE', { ...thread, newly_created: true }, { guildId: guild.id });
  addThreadMember(state, thread, ownerId);
  return thread;
}

export interface ThreadPatch {
  name?: string;
  archived?: boolean;
  locked?: boolean;
  auto_archive_duration?: number;
  invitable?: boolean;
  rate_limit_per_user?: number;
}

export function updateThread(state: SimulatedState, thread: SimChannel, patch: ThreadPatch): SimChannel {
  const meta = thread.thread_metadata;
  if (!meta || !thread.guild_id) throw notFound(ErrorCode.UnknownChannel);
  if (patch.archived === false && meta.archived) assertRoomForActiveThread(state, thread.guild_id);
  if (patch.name !== undefined) thread.name = patch.name;
  if (patch.rate_limit_per_user !== undefined) thread.rate_limit_per_user = patch.rate_limit_per_user;
  if (patch.auto_archive_duration !== undefined) meta.auto_archive_duration = patch.auto_archive_duration;
  if (patch.invitable !== undefined && thread.type === ChannelKind.PrivateThread) meta.invitable = patch.invitable;
  if (patch.locked !== undefined) meta.locked = patch.locked;
  if (patch.archived !== undefined && patch.archived !== meta.archived) {
    meta.archived = patch.archived;
    meta.archive_timestamp = new Date().toISOString();
  }
  state.emit('THREAD_UPDATE', thread, { guildId: thread.guild_id });
  return thread;
}

function threadMemberMap(state: SimulatedState, threadId: string): Map<string, ThreadMember> {
  let map = state.threadMembers.get(threadId);
  if (!map) {
    map = new Map();
    state.threadMembers.set(threadId, map);
  }
  return map;
}

export function addThreadMember(state: SimulatedState, thread: SimChannel, userId: string): void {
  const guild = state.guildOf(thread);
  state.requireMember(guild, userId);
  const members = threadMemberMap(state, thread.id);
  if (members.has(userId)) return;
  const member: ThreadMember = { id: thread.id, user_id: userId, join_timestamp: new Date().toISOString(), flags: 0 };
  members.set(userId, member);
  thread.member_count = members.size;
  if (userId === state.application.botUserId) {
    state.emit('THREAD_MEMBER_UPDATE', { ...member, guild_id: guild.id }, { guildId: guild.id });
  }
  state.emit('THREAD_MEMBERS_UPDATE', membersUpdate(state, guild, thread, [member], []), { guildId: guild.id });
}

export function removeThreadMember(state: SimulatedState, thread: SimChannel, userId: string): void {
  const guild = state.guildOf(thread);
  const members = threadMemberMap(state, thread.id);
  if (!members.delete(userId)) throw notFound(ErrorCode.UnknownMember);
  thread.member_count = members.size;
  state.emit('THREAD_MEMBERS_UPDATE', membersUpdate(state, guild, thread, [], [userId]), { guildId: guild.id });
}

function membersUpdate(state: SimulatedState, guild: SimGuild, thread: SimChannel, added: ThreadMember[], removed: string[]): Record<string, unknown> {
  const payload: Record<string, unknown> = { id: thread.id, guild_id: guild.id, member_count: thread.member_count ?? 0 };
  if (added.length > 0) {
    payload.added_members = added.map((m) => {
      const guildMember = guild.members.get(m.user_id);
      return { ...m, member: guildMember ? state.memberPayload(guild, guildMember) : null, presence: null };
    });
  }
  if (removed.length > 0) payload.removed_member_ids = removed;
  return payload;
}

export function threadMembers(state: SimulatedState, threadId: string): ThreadMember[] {
  return [...(state.threadMembers.get(threadId)?.values() ?? [])];
}

/** A thread a message is posted into: archived ones reopen, locked ones need ManageThreads. */
export function prepareThreadForMessage(state: SimulatedState, thread: SimChannel, canManageThreads: boolean): void {
  const meta = thread.thread_metadata;
  if (!meta) return;
  if (meta.locked && !canManageThreads) throw new ApiError(403, ErrorCode.ThreadLocked);
  if (meta.archived) updateThread(state, thread, { archived: false });
}
