/**
 * Interaction responses: the one-time callback (`/interactions/{id}/{token}/callback`) and the interaction webhook
 * (`/webhooks/{app}/{token}…`) for follow-ups and `@original`.
 */
import { ApiError, ErrorCode, FormErrorCollector, invalidField, notFound } from '../errors.ts';
import { noContent, param, Reply } from '../route-types.ts';
import type { RestRouter, RouteContext } from '../route-types.ts';
import { validateModal } from '../validation/component-validation.ts';
import { readMessageBody } from '../validation/message-validation.ts';
import type { MessageRecord } from '../../state/entities.ts';
import type { InteractionRecord } from '../../state/interactions.ts';
import { createMessage, deleteMessage, editMessage, EPHEMERAL, messagePayload } from '../../state/messages.ts';
import type { MessageInput } from '../../state/messages.ts';

const Callback = { Pong: 1, ChannelMessage: 4, DeferredChannelMessage: 5, DeferredUpdateMessage: 6, UpdateMessage: 7, Autocomplete: 8, Modal: 9 } as const;
const InteractionType = { Ping: 1, Command: 2, Component: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
/** The message flag of a deferred reply that has not been filled in yet. */
const LOADING = 1 << 7;
const CHAT_INPUT_COMMAND_MESSAGE = 20;

function messageFromInteraction(ctx: RouteContext, record: InteractionRecord, input: MessageInput, followUp: boolean): MessageRecord {
  const state = ctx.sim.state;
  const channel = state.requireChannel(record.channelId);
  const metadata: Record<string, unknown> = {
    id: record.id,
    type: record.type,
    user: state.users.get(record.userId),
    authorizing_integration_owners: record.guildId ? { '0': record.guildId } : { '1': record.userId },
  };
  if (record.commandName) metadata.name = record.commandName;
  if (followUp && record.originalMessageId) metadata.original_response_message_id = record.originalMessageId;
  if (record.componentMessageId) metadata.interacted_message_id = record.componentMessageId;
  return createMessage(state, channel, state.botUser, {
    ...input,
    type: record.type === InteractionType.Command && !followUp ? CHAT_INPUT_COMMAND_MESSAGE : 0,
    webhook_id: state.application.id,
    application_id: state.application.id,
    interaction_metadata: metadata,
  });
}

function readBody(ctx: RouteContext, data: unknown, creating: boolean): MessageInput {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  return readMessageBody(body, { creating, allowEphemeral: true, baseUrl: ctx.sim.urls.url });
}

function componentMessage(ctx: RouteContext, record: InteractionRecord): MessageRecord {
  if (!record.componentMessageId) throw invalidField(['type'], 'INTERACTION_CALLBACK_TYPE_INVALID', 'Interaction callback type is not valid for this interaction');
  const channelId = ctx.sim.state.messageChannel.get(record.componentMessageId) ?? record.channelId;
  return ctx.sim.state.requireMessage(channelId, record.componentMessageId);
}

function respond(ctx: RouteContext, record: InteractionRecord, type: number, data: unknown): MessageRecord | undefined {
  switch (type) {
    case Callback.Pong:
      if (record.type !== InteractionType.Ping) throw invalidField(['type'], 'INTERACTION_CALLBACK_TYPE_INVALID', 'Interaction callback type is not valid for this interaction');
      return undefined;
    case Callback.ChannelMessage: {
      const message = messageFromInteraction(ctx, record, readBody(ctx, data, true), false);
      record.originalMessageId = message.message.id;
      record.ephemeral = (message.message.flags & EPHEMERAL) !== 0;
      return message;
    }
    case Callback.DeferredChannelMessage: {
      const flags = typeof (data as { flags?: unknown })?.flags === 'number' ? ((data as { flags: number }).flags & EPHEMERAL) : 0;
      const message = messageFromInteraction(ctx, record, { flags: flags | LOADING }, false);
      record.originalMessageId = message.message.id;
      record.awaitingDeferredContent = true;
      record.ephemeral = flags !== 0;
      return message;
    }
    case Callback.DeferredUpdateMessage: {
      const message = componentMessage(ctx, record);
      record.originalMessageId = message.message.id;
      return message;
    }
    case Callback.UpdateMessage: {
      const message = componentMessage(ctx, record);
      record.originalMessageId = message.message.id;
      return editMessage(ctx.sim.state, message, readBody(ctx, data, false));
    }
    case Callback.Modal: {
      if (record.type === InteractionType.ModalSubmit) throw invalidField(['type'], 'INTERACTION_CALLBACK_TYPE_INVALID', 'Interaction callback type is not valid for this interaction');
      const errors = new FormErrorCollector();
      validateModal(errors, (data ?? {}) as Record<string, unknown>);
      errors.throwIfAny();
      return undefined;
    }
    case Callback.Autocomplete:
      return undefined;
    default:
      throw invalidField(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 4, 5, 6, 7, 8, 9}.');
  }
}

function interactionByToken(ctx: RouteContext): InteractionRecord {
  const record = ctx.sim.interactions.byValidToken(param(ctx, 'token'));
  if (!record || param(ctx, 'webhookId') !== ctx.sim.state.application.id) throw notFound(ErrorCode.UnknownWebhook);
  return record;
}

function webhookMessage(ctx: RouteContext, record: InteractionRecord): MessageRecord {
  const id = param(ctx, 'messageId');
  const messageId = id === '@original' ? record.originalMessageId : id;
  const channelId = messageId ? ctx.sim.state.messageChannel.get(messageId) : undefined;
  if (!messageId || !channelId) throw notFound(ErrorCode.UnknownMessage);
  return ctx.sim.state.requireMessage(channelId, messageId);
}

/** Fills in a deferred reply: the loading flag goes, the ephemeral flag stays. */
function fillDeferred(ctx: RouteContext, record: InteractionRecord, message: MessageRecord, input: MessageInput): MessageRecord {
  record.awaitingDeferredContent = false;
  return editMessage(ctx.sim.state, message, { ...input, flags: message.message.flags & ~LOADING });
}

export function registerInteractionRoutes(router: RestRouter): void {
  router.add('POST', '/interactions/:interactionId/:token/callback', {
    auth: 'none',
    handler: (ctx) => {
      const { interactions, stats } = ctx.sim;
      const record = interactions.get(param(ctx, 'interactionId'));
      if (!record || record.token !== param(ctx, 'token')) throw notFound(ErrorCode.UnknownInteraction);
      if (record.callback) throw new ApiError(400, ErrorCode.InteractionAlreadyAcknowledged);
      if (interactions.deadlinePassed(record)) {
        stats.interactionDeadlinesMissed++;
        throw notFound(ErrorCode.UnknownInteraction);
      }
      const type = Number(ctx.body.type);
      const data = (ctx.body.data ?? null) as Record<string, unknown> | null;
      const message = respond(ctx, record, type, data);
      interactions.respond(record, { type, data });
      if (ctx.query.get('with_response') !== 'true') return noContent();
      const resource: Record<string, unknown> = { type };
      if (message) resource.message = messagePayload(ctx.sim.state, message);
      return new Reply(200, {
        interaction: {
          id: record.id,
          type: record.type,
          response_message_id: message?.message.id,
          response_message_loading: type === Callback.DeferredChannelMessage,
          response_message_ephemeral: record.ephemeral,
        },
        resource,
      });
    },
  });

  router.add('POST', '/webhooks/:webhookId/:token', {
    auth: 'none',
    handler: (ctx) => {
      const record = interactionByToken(ctx);
      if (!record.callback) throw notFound(ErrorCode.UnknownWebhook);
      const input = readMessageBody(ctx.body, { creating: true, allowEphemeral: true, baseUrl: ctx.sim.urls.url });
      // Discord turns the first follow-up after a deferred reply into that reply.
      if (record.awaitingDeferredContent && record.originalMessageId) {
        const original = webhookMessage({ ...ctx, params: { ...ctx.params, messageId: '@original' } }, record);
        return messagePayload(ctx.sim.state, fillDeferred(ctx, record, original, input));
      }
      return messagePayload(ctx.sim.state, messageFromInteraction(ctx, record, input, true));
    },
  });

  router.add('GET', '/webhooks/:webhookId/:token/messages/:messageId', {
    auth: 'none',
    handler: (ctx) => messagePayload(ctx.sim.state, webhookMessage(ctx, interactionByToken(ctx))),
  });

  router.add('PATCH', '/webhooks/:webhookId/:token/messages/:messageId', {
    auth: 'none',
    handler: (ctx) => {
      const record = interactionByToken(ctx);
      const message = webhookMessage(ctx, record);
      const input = readMessageBody(ctx.body, { creating: false, allowEphemeral: false, baseUrl: ctx.sim.urls.url });
      delete input.flags;
      const isDeferred = record.awaitingDeferredContent && message.message.id === record.originalMessageId;
      const edited = isDeferred ? fillDeferred(ctx, record, message, input) : editMessage(ctx.sim.state, message, input);
      return messagePayload(ctx.sim.state, edited);
    },
  });

  router.add('DELETE', '/webhooks/:webhookId/:token/messages/:messageId', {
    auth: 'none',
    handler: (ctx) => {
      const record = interactionByToken(ctx);
      const message = webhookMessage(ctx, record);
      deleteMessage(ctx.sim.state, ctx.sim.state.requireChannel(message.message.channel_id), message.message.id);
      return noContent();
    },
  });
}
