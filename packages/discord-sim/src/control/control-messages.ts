/** Control API for what users do in channels: post, DM the bot, react; plus raw dispatches and reading channels. */
import { ApiError, ErrorCode } from '../rest/errors.ts';
import { readMessageBody } from '../rest/validation/message-validation.ts';
import { openDm } from '../state/channels.ts';
import type { SimChannel } from '../state/entities.ts';
import { addReaction, createMessage, messagePayload, removeReaction } from '../state/messages.ts';
import type { SimulatedState } from '../state/simulated-state.ts';
import { updateThread } from '../state/threads.ts';
import { compareSnowflakes } from '../util/snowflake.ts';
import { str } from './control-types.ts';
import type { ControlContext, ControlRouter } from './control-types.ts';

/** A user can post where they are a member; a thread they post in reopens, as it would for a real member. */
function postAsUser(ctx: ControlContext, channel: SimChannel, authorId: string) {
  const state = ctx.sim.state;
  const author = state.requireUser(authorId);
  if (channel.guild_id) state.requireMember(state.requireGuild(channel.guild_id), authorId);
  if (channel.thread_metadata?.archived) updateThread(state, channel, { archived: false });
  const input = readMessageBody(ctx.body, { creating: true, allowEphemeral: false, baseUrl: ctx.sim.urls.url });
  const replyTo = str(ctx.body.replyTo);
  if (replyTo) input.message_reference = { message_id: replyTo, channel_id: channel.id };
  return messagePayload(state, createMessage(state, channel, author, input));
}

function findMessage(state: SimulatedState, messageId: string, channelId?: string) {
  const channel = channelId ?? state.messageChannel.get(messageId);
  if (!channel) throw new ApiError(404, ErrorCode.UnknownMessage);
  return state.requireMessage(channel, messageId);
}

export function registerMessageControl(router: ControlRouter): void {
  router.add('POST', '/channels/:channelId/messages', (ctx) => {
    const channel = ctx.sim.state.requireChannel(ctx.params.channelId ?? '');
    const authorId = str(ctx.body.authorId);
    if (!authorId) throw new ApiError(400, ErrorCode.General, 'authorId is required');
    return postAsUser(ctx, channel, authorId);
  });

  router.add('GET', '/channels/:channelId/messages', (ctx) => {
    const state = ctx.sim.state;
    const channel = state.requireChannel(ctx.params.channelId ?? '');
    const after = ctx.query.get('after');
    return [...state.channelMessages(channel.id).values()]
      .filter((r) => !after || compareSnowflakes(r.message.id, after) > 0)
      .sort((a, b) => compareSnowflakes(a.message.id, b.message.id))
      .map((r) => messagePayload(state, r));
  });

  router.add('GET', '/channels/:channelId', (ctx) => ctx.sim.state.requireChannel(ctx.params.channelId ?? ''));

  router.add('POST', '/users/:userId/dm', (ctx) => {
    const channel = openDm(ctx.sim.state, ctx.params.userId ?? '');
    return { channelId: channel.id, message: postAsUser(ctx, channel, ctx.params.userId ?? '') };
  });

  router.add('POST', '/reactions', (ctx) => {
    const state = ctx.sim.state;
    const messageId = str(ctx.body.messageId);
    const userId = str(ctx.body.userId);
    const emoji = str(ctx.body.emoji);
    if (!messageId || !userId || !emoji) throw new ApiError(400, ErrorCode.General, 'messageId, userId and emoji are required');
    state.requireUser(userId);
    const record = findMessage(state, messageId, str(ctx.body.channelId));
    if (ctx.body.remove === true) removeReaction(state, record, emoji, userId);
    else addReaction(state, record, emoji, userId);
    return messagePayload(state, record);
  });

  router.add('POST', '/events', (ctx) => {
    const t = str(ctx.body.t);
    if (!t) throw new ApiError(400, ErrorCode.General, 't (the event name) is required');
    const guildId = str(ctx.body.guildId);
    ctx.sim.state.emit(t, ctx.body.d ?? {}, guildId ? { guildId } : {});
    return { ok: true };
  });

  router.add('GET', '/commands', (ctx) => {
    const guildId = ctx.query.get('guildId');
    return [...ctx.sim.state.commands.values()].filter((c) => c.guild_id === undefined || c.guild_id === guildId);
  });
}
