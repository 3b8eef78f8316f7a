/** Threads: create (with or without a message, and forum posts), members, and the active and archived lists. */
import { ApiError, ErrorCode, invalidField, missingPermissions } from '../errors.ts';
import { botHasChannelPermission, requireChannelPermission, requireGuildPermission } from '../guards.ts';
import { noContent, param } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import { readThreadCreate } from '../validation/channel-validation.ts';
import { readMessageBody } from '../validation/message-validation.ts';
import { ChannelKind } from '../../state/entities.ts';
import type { SimChannel } from '../../state/entities.ts';
import { createMessage } from '../../state/messages.ts';
import { addThreadMember, createThread, removeThreadMember, threadMembers } from '../../state/threads.ts';
import { Permission } from '../../util/permissions.ts';
import { compareSnowflakes } from '../../util/snowflake.ts';

function threadOf(ctx: RouteContext): SimChannel {
  const channel = ctx.sim.state.requireChannel(param(ctx, 'channelId'));
  if (!channel.thread_metadata) throw new ApiError(400, ErrorCode.General, 'Not a thread');
  return channel;
}

function userParam(ctx: RouteContext): string {
  const id = param(ctx, 'userId');
  return id === '@me' ? ctx.sim.state.application.botUserId : id;
}

function archivedList(ctx: RouteContext, type: number) {
  const state = ctx.sim.state;
  const parent = state.requireChannel(param(ctx, 'channelId'));
  requireChannelPermission(state, parent, Permission.ReadMessageHistory | (type === ChannelKind.PrivateThread ? Permission.ManageThreads : 0n));
  const before = ctx.query.get('before');
  const limit = Math.max(1, Number(ctx.query.get('limit') ?? 50) || 50);
  const archived = [...state.channels.values()]
    .filter((c) => c.parent_id === parent.id && c.thread_metadata?.archived && (type === ChannelKind.PrivateThread ? c.type === type : c.type !== ChannelKind.PrivateThread))
    .filter((c) => !before || (c.thread_metadata?.archive_timestamp ?? '') < before)
    .sort((a, b) => (b.thread_metadata?.archive_timestamp ?? '').localeCompare(a.thread_metadata?.archive_timestamp ?? ''));
  const threads = archived.slice(0, limit);
  return { threads, members: botThreadMembers(ctx, threads), has_more: archived.length > limit };
}

function botThreadMembers(ctx: RouteContext, threads: SimChannel[]) {
  const bot = ctx.sim.state.application.botUserId;
  return threads.flatMap((t) => threadMembers(ctx.sim.state, t.id).filter((m) => m.user_id === bot));
}

export function registerThreadRoutes(router: RestRouter): void {
  router.add('POST', '/channels/:channelId/threads', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const parent = state.requireChannel(param(ctx, 'channelId'));
      const input = readThreadCreate(ctx.body, false);
      if (parent.type === ChannelKind.GuildForum) {
        // A forum post is a public thread whose first message is the post.
        requireChannelPermission(state, parent, Permission.ViewChannel | Permission.SendMessages);
        const message = readMessageBody((ctx.body.message ?? {}) as Record<string, unknown>, { creating: true, allowEphemeral: false, baseUrl: ctx.sim.urls.url });
        const thread = createThread(state, parent, state.application.botUserId, { ...input, type: ChannelKind.PublicThread });
        const record = createMessage(state, thread, state.botUser, message);
        return { ...thread, message: record.message };
      }
      if (parent.type !== ChannelKind.GuildText && parent.type !== ChannelKind.GuildAnnouncement) throw invalidField(['type'], 'THREAD_INVALID_PARENT', 'Invalid parent channel type');
      const type = input.type ?? ChannelKind.PrivateThread;
      requireChannelPermission(state, parent, Permission.ViewChannel | (type === ChannelKind.PrivateThread ? Permission.CreatePrivateThreads : Permission.CreatePublicThreads));
      return createThread(state, parent, state.application.botUserId, { ...input, type });
    },
  });

  router.add('POST', '/channels/:channelId/messages/:messageId/threads', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const parent = state.requireChannel(param(ctx, 'channelId'));
      const messageId = param(ctx, 'messageId');
      state.requireMessage(parent.id, messageId);
      requireChannelPermission(state, parent, Permission.ViewChannel | Permission.CreatePublicThreads | Permission.ReadMessageHistory);
      if (state.channels.has(messageId)) throw new ApiError(400, ErrorCode.ThreadAlreadyCreated);
      return createThread(state, parent, state.application.botUserId, readThreadCreate(ctx.body, true), messageId);
    },
  });

  router.add('PUT', '/channels/:channelId/thread-members/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const thread = threadOf(ctx);
      const userId = userParam(ctx);
      const self = userId === state.application.botUserId;
      requireChannelPermission(state, thread, Permission.ViewChannel | (self ? 0n : Permission.SendMessagesInThreads));
      if (thread.thread_metadata?.archived) throw new ApiError(400, ErrorCode.ThreadArchived);
      const privateInvite = !self && thread.type === ChannelKind.PrivateThread && thread.thread_metadata?.invitable === false;
      if (privateInvite && !botHasChannelPermission(state, thread, Permission.ManageThreads)) throw missingPermissions();
      addThreadMember(state, thread, userId);
      return noContent();
    },
  });

  router.add('DELETE', '/channels/:channelId/thread-members/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const thread = threadOf(ctx);
      const userId = userParam(ctx);
      if (userId !== state.application.botUserId) requireChannelPermission(state, thread, Permission.ManageThreads);
      removeThreadMember(state, thread, userId);
      return noContent();
    },
  });

  router.add('GET', '/channels/:channelId/thread-members/:userId', {
    auth: 'bot',
    handler: (ctx) => {
      const member = threadMembers(ctx.sim.state, threadOf(ctx).id).find((m) => m.user_id === userParam(ctx));
      if (!member) throw new ApiError(404, ErrorCode.UnknownMember);
      return member;
    },
  });

  router.add('GET', '/channels/:channelId/thread-members', {
    auth: 'bot',
    handler: (ctx) => threadMembers(ctx.sim.state, threadOf(ctx).id),
  });

  router.add('GET', '/guilds/:guildId/threads/active', {
    auth: 'bot',
    handler: (ctx) => {
      const state = ctx.sim.state;
      const guild = state.requireGuild(param(ctx, 'guildId'));
      requireGuildPermission(state, guild, 0n);
      const bot = state.application.botUserId;
      const threads = state
        .guildThreads(guild.id)
        .filter((t) => !t.thread_metadata?.archived)
        .filter((t) => t.type !== ChannelKind.PrivateThread || state.threadMembers.get(t.id)?.has(bot) || botHasChannelPermission(state, t, Permission.ManageThreads))
        .sort((a, b) => compareSnowflakes(b.id, a.id));
      return { threads, members: botThreadMembers(ctx, threads) };
    },
  });

  router.add('GET', '/channels/:channelId/threads/archived/public', { auth: 'bot', handler: (ctx) => archivedList(ctx, ChannelKind.PublicThread) });
  router.add('GET', '/channels/:channelId/threads/archived/private', { auth: 'bot', handler: (ctx) => archivedList(ctx, ChannelKind.PrivateThread) });
}
