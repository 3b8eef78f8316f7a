/** Channel messages and reactions: `/channels/{id}/messages…`. */
import { MESSAGES_PER_FETCH_MAX } from 'discord-limits';
import { ApiError, ErrorCode, invalidField } from '../errors.ts';
import { requireChannelPermission, botHasChannelPermission } from '../guards.ts';
import { noContent, param } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import { readMessageBody } from '../validation/message-validation.ts';
import { dmRecipient } from '../../state/channels.ts';
import type { SimChannel } from '../../state/entities.ts';
import {
  addReaction,
  bulkDeleteMessages,
  createMessage,
  deleteMessage,
  editMessage,
  listMessages,
  messagePayload,
  reactionUsers,
  removeReaction,
} from '../../state/messages.ts';
import { prepareThreadForMessage } from '../../state/threads.ts';
import { Permission } from '../../util/permissions.ts';

function channelOf(ctx: RouteContext): SimChannel {
  return ctx.sim.state.requireChannel(param(ctx, 'channelId'));
}

function readable(ctx: RouteContext): SimChannel {
  const channel = channelOf(ctx);
  requireChannelPermission(ctx.sim.state, channel, Permission.ViewChannel | Permission.ReadMessageHistory);
  return channel;
}

/** Checks what Discord checks before the bot posts: send permission (thread or channel) and open DMs. */
export function assertCanPost(ctx: RouteContext, channel: SimChannel): void {
  const state = ctx.sim.state;
  const recipient = dmRecipient(channel);
  if (recipient !== undefined) {
    if (state.dmsClosed.has(recipient)) throw new ApiError(403, ErrorCode.CannotSendToUser);
    return;
  }
  const send = channel.thread_metadata ? Permission.SendMessagesInThreads : Permission.SendMessages;
  requireChannelPermission(state, channel, Permission.ViewChannel | send);
  prepareThreadForMessage(state, channel, botHasChannelPermission(state, channel, Permission.ManageThreads));
}

export function registerMessageRoutes(router: RestRouter): void {
  const bot = { auth: 'bot' as const };

  router.add('GET', '/channels/:channelId/messages', {
    ...bot,
    handler: (ctx) => {
      const channel = readable(ctx);
      const limit = ctx.query.has('limit') ? Number(ctx.query.get('limit')) : 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > MESSAGES_PER_FETCH_MAX) {
        throw invalidField(['limit'], 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${MESSAGES_PER_FETCH_MAX}.`);
      }
      const query = { limit, before: ctx.query.get('before') ?? undefined, after: ctx.query.get('after') ?? undefined, around: ctx.query.get('around') ?? undefined };
      return listMessages(ctx.sim.state, channel.id, query).map((r) => messagePayload(ctx.sim.state, r));
    },
  });

  router.add('GET', '/channels/:channelId/messages/:messageId', {
    ...bot,
    handler: (ctx) => {
      const channel = readable(ctx);
      return messagePayload(ctx.sim.state, ctx.sim.state.requireMessage(channel.id, param(ctx, 'messageId')));
    },
  });

  router.add('POST', '/channels/:channelId/messages', {
    ...bot,
    handler: (ctx) => {
      const state = ctx.sim.state;
      const channel = channelOf(ctx);
      const input = readMessageBody(ctx.body, { creating: true, allowEphemeral: false, baseUrl: ctx.sim.urls.url });
      assertCanPost(ctx, channel);
      const referenced = input.message_reference?.message_id;
      if (referenced && !state.messages.get(input.message_reference?.channel_id ?? channel.id)?.has(referenced)) {
        throw invalidField(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
      }
      return messagePayload(state, createMessage(state, channel, state.botUser, input));
    },
  });

  router.add('PATCH', '/channels/:channelId/messages/:messageId', {
    ...bot,
    handler: (ctx) => {
      const state = ctx.sim.state;
      const channel = readable(ctx);
      const record = state.requireMessage(channel.id, param(ctx, 'messageId'));
      const input = readMessageBody(ctx.body, { creating: false, allowEphemeral: false, baseUrl: ctx.sim.urls.url });
      if (record.message.author.id !== state.application.botUserId) {
        // Others' messages: only the suppress-embeds flag may change, and that needs ManageMessages.
        if (input.content !== undefined || input.embeds !== undefined || input.components !== undefined) throw new ApiError(403, ErrorCode.CannotEditOthersMessage);
        requireChannelPermission(state, channel, Permission.ManageMessages);
      }
      return messagePayload(state, editMessage(state, record, input));
    },
  });

  router.add('DELETE', '/channels/:channelId/messages/:messageId', {
    ...bot,
    handler: (ctx) => {
      const state = ctx.sim.state;
      const channel = channelOf(ctx);
      const record = state.requireMessage(channel.id, param(ctx, 'messageId'));
      if (record.message.author.id !== state.application.botUserId) requireChannelPermission(state, channel, Permission.ManageMessages);
      deleteMessage(state, channel, record.message.id);
      return noContent();
    },
  });

  router.add('POST', '/channels/:channelId/messages/bulk-delete', {
    ...bot,
    handler: (ctx) => {
      const state = ctx.sim.state;
      const channel = channelOf(ctx);
      requireChannelPermission(state, channel, Permission.ManageMessages);
      const ids = Array.isArray(ctx.body.messages) ? ctx.body.messages.map(String) : [];
      if (ids.length < 2) throw invalidField(['messages'], 'BASE_TYPE_MIN_LENGTH', 'Must be 2 or more in length.');
      if (ids.length > MESSAGES_PER_FETCH_MAX) throw invalidField(['messages'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MESSAGES_PER_FETCH_MAX} or fewer in length.`);
      bulkDeleteMessages(state, channel, ids);
      return noContent();
    },
  });

  const reactionTarget = (ctx: RouteContext) => {
    const channel = readable(ctx);
    return { channel, record: ctx.sim.state.requireMessage(channel.id, param(ctx, 'messageId')) };
  };

  router.add('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', {
    ...bot,
    handler: (ctx) => {
      const { channel, record } = reactionTarget(ctx);
      requireChannelPermission(ctx.sim.state, channel, Permission.AddReactions);
      addReaction(ctx.sim.state, record, param(ctx, 'emoji'), ctx.sim.state.application.botUserId);
      return noContent();
    },
  });

  router.add('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', {
    ...bot,
    handler: (ctx) => {
      const { record } = reactionTarget(ctx);
      removeReaction(ctx.sim.state, record, param(ctx, 'emoji'), ctx.sim.state.application.botUserId);
      return noContent();
    },
  });

  router.add('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/:userId', {
    ...bot,
    handler: (ctx) => {
      const { channel, record } = reactionTarget(ctx);
      requireChannelPermission(ctx.sim.state, channel, Permission.ManageMessages);
      removeReaction(ctx.sim.state, record, param(ctx, 'emoji'), param(ctx, 'userId'));
      return noContent();
    },
  });

  router.add('GET', '/channels/:channelId/messages/:messageId/reactions/:emoji', {
    ...bot,
    handler: (ctx) => {
      const { record } = reactionTarget(ctx);
      const limit = Math.max(Number(ctx.query.get('limit') ?? 25) || 25, 1);
      return reactionUsers(ctx.sim.state, record, param(ctx, 'emoji')).slice(0, limit);
    },
  });
}
