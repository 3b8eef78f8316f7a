/**
 * Everything the simulator knows: users, guilds, channels, messages, commands and the bot application.
 * Mutations go through the domain modules beside this file, which call `emit` so the gateway can dispatch.
 */
import type { MessageRecord, SimApplication, SimChannel, SimCommand, SimGuild, SimMember, SimUser, ThreadMember } from './entities.ts';
import { ApiError, ErrorCode, notFound } from '../rest/errors.ts';
import { computePermissions } from '../util/permissions.ts';
import { snowflake } from '../util/snowflake.ts';

/** Who a dispatch concerns: a guild (routed to its shard) or a user's DM (shard 0). */
export interface DispatchScope {
  guildId?: string;
}

export type DispatchListener = (event: string, data: unknown, scope: DispatchScope) => void;

export class SimulatedState {
  readonly users = new Map<string, SimUser>();
  readonly guilds = new Map<string, SimGuild>();
  readonly channels = new Map<string, SimChannel>();
  readonly messages = new Map<string, Map<string, MessageRecord>>();
  /** Which channel each message is in, so that components and interactions can find a message by id alone. */
  readonly messageChannel = new Map<string, string>();
  readonly threadMembers = new Map<string, Map<string, ThreadMember>>();
  readonly commands = new Map<string, SimCommand>();
  /** Users who do not accept DMs from the bot. */
  readonly dmsClosed = new Set<string>();
  /** DM channel per user. */
  readonly dmChannels = new Map<string, string>();
  readonly application: SimApplication;
  private readonly listeners = new Set<DispatchListener>();

  constructor(application: { id?: string; name?: string; token: string; flags: number }) {
    const botUser = this.addUser({ username: application.name ?? 'Switchboard', bot: true });
    this.application = {
      id: application.id ?? snowflake(),
      name: application.name ?? 'Switchboard',
      token: application.token,
      botUserId: botUser.id,
      flags: application.flags,
      maxConcurrency: 1,
    };
  }

  get botUser(): SimUser {
    return this.requireUser(this.application.botUserId);
  }

  onDispatch(listener: DispatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: string, data: unknown, scope: DispatchScope = {}): void {
    for (const listener of this.listeners) listener(event, data, scope);
  }

  addUser(input: { id?: string; username: string; global_name?: string | null; bot?: boolean }): SimUser {
    const user: SimUser = {
      id: input.id ?? snowflake(),
      username: input.username,
      global_name: input.global_name ?? null,
      discriminator: input.bot ? '0000' : '0',
      avatar: null,
      public_flags: 0,
      flags: 0,
    };
    if (input.bot) user.bot = true;
    this.users.set(user.id, user);
    return user;
  }

  requireUser(id: string): SimUser {
    const user = this.users.get(id);
    if (!user) throw notFound(ErrorCode.UnknownUser);
    return user;
  }

  requireGuild(id: string): SimGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw notFound(ErrorCode.UnknownGuild);
    return guild;
  }

  requireChannel(id: string): SimChannel {
    const channel = this.channels.get(id);
    if (!channel) throw notFound(ErrorCode.UnknownChannel);
    return channel;
  }

  requireMember(guild: SimGuild, userId: string): SimMember {
    const member = guild.members.get(userId);
    if (!member) throw notFound(ErrorCode.UnknownMember);
    return member;
  }

  requireMessage(channelId: string, messageId: string): MessageRecord {
    const record = this.messages.get(channelId)?.get(messageId);
    if (!record) throw notFound(ErrorCode.UnknownMessage);
    return record;
  }

  /** The guild a channel belongs to, or a 404 for DMs where a guild is required. */
  guildOf(channel: SimChannel): SimGuild {
    if (!channel.guild_id) throw new ApiError(400, ErrorCode.General, 'Cannot execute action on a DM channel');
    return this.requireGuild(channel.guild_id);
  }

  memberPayload(guild: SimGuild, member: SimMember): Record<string, unknown> {
    const { user_id: userId, ...rest } = member;
    return { ...rest, user: this.requireUser(userId) };
  }

  /** A member's guild-level permissions, before any channel overwrites. */
  guildPermissions(guild: SimGuild, userId: string): bigint {
    return this.permissionsIn(guild, userId, undefined);
  }

  /** A member's permissions in a channel; threads use their parent's overwrites, as on Discord. */
  channelPermissions(channel: SimChannel, userId: string): bigint {
    if (!channel.guild_id) return 0n;
    const guild = this.requireGuild(channel.guild_id);
    const source = channel.thread_metadata && channel.parent_id ? this.channels.get(channel.parent_id) ?? channel : channel;
    return this.permissionsIn(guild, userId, source);
  }

  private permissionsIn(guild: SimGuild, userId: string, channel: SimChannel | undefined): bigint {
    const member = guild.members.get(userId);
    if (!member) return 0n;
    return computePermissions({
      guildId: guild.id,
      ownerId: guild.owner_id,
      userId,
      memberRoleIds: member.roles,
      rolePermissions: (roleId) => {
        const role = guild.roles.get(roleId);
        return role ? BigInt(role.permissions) : undefined;
      },
      overwrites: channel?.permission_overwrites,
    });
  }

  guildChannels(guildId: string): SimChannel[] {
    const list: SimChannel[] = [];
    for (const channel of this.channels.values()) {
      if (channel.guild_id === guildId && !channel.thread_metadata) list.push(channel);
    }
    return list;
  }

  guildThreads(guildId: string): SimChannel[] {
    const list: SimChannel[] = [];
    for (const channel of this.channels.values()) {
      if (channel.guild_id === guildId && channel.thread_metadata) list.push(channel);
    }
    return list;
  }

  channelMessages(channelId: string): Map<string, MessageRecord> {
    let map = this.messages.get(channelId);
    if (!map) {
      map = new Map();
      this.messages.set(channelId, map);
    }
    return map;
  }
}
