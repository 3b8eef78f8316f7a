/**
 * `POST /_sim/interactions`: a user runs a slash command, uses a component or submits a modal. The simulator
 * dispatches a real INTERACTION_CREATE and waits for the bot's callback, as Discord's client would.
 */
import { INTERACTION_RESPONSE_DEADLINE_MS } from 'discord-limits';
import { ApiError, ErrorCode } from '../rest/errors.ts';
import { dmRecipient } from '../state/channels.ts';
import type { MessageRecord, SimChannel } from '../state/entities.ts';
import { messagePayload } from '../state/messages.ts';
import { commandData, componentData, interactionChannel, modalData } from './interaction-builder.ts';
import { str } from './control-types.ts';
import type { ControlContext, ControlRouter } from './control-types.ts';

type Json = Record<string, unknown>;

const InteractionType = { Command: 2, Component: 3, ModalSubmit: 5 } as const;
/** A little past Discord's deadline, so that a bot answering at the last moment is still seen. */
const WAIT_MS = INTERACTION_RESPONSE_DEADLINE_MS + 500;
/** Discord's upload limit for a guild without boosts, reported in `attachment_size_limit`. */
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

function kindOf(body: Json): 'command' | 'component' | 'modal' {
  const kind = str(body.kind) ?? str(body.type);
  if (kind === 'command' || kind === 'component' || kind === 'modal') return kind;
  if (str(body.name)) return 'command';
  if (body.fields !== undefined) return 'modal';
  if (str(body.messageId)) return 'component';
  throw new ApiError(400, ErrorCode.General, 'kind must be command, component or modal');
}

function messageById(ctx: ControlContext, messageId: string): MessageRecord {
  const channelId = ctx.sim.state.messageChannel.get(messageId);
  if (!channelId) throw new ApiError(404, ErrorCode.UnknownMessage);
  return ctx.sim.state.requireMessage(channelId, messageId);
}

async function runInteraction(ctx: ControlContext): Promise<Json> {
  const { state, interactions, stats } = ctx.sim;
  const body = ctx.body;
  const kind = kindOf(body);
  const userId = str(body.userId);
  if (!userId) throw new ApiError(400, ErrorCode.General, 'userId is required');
  const user = state.requireUser(userId);
  const messageId = str(body.messageId);
  const message = messageId ? messageById(ctx, messageId) : undefined;
  const channelId = message?.message.channel_id ?? str(body.channelId);
  if (!channelId) throw new ApiError(400, ErrorCode.General, 'channelId (or messageId) is required');
  const channel: SimChannel = state.requireChannel(channelId);
  const guild = channel.guild_id ? state.requireGuild(channel.guild_id) : undefined;
  const member = guild ? state.requireMember(guild, userId) : undefined;
  if (!guild && dmRecipient(channel) !== userId) throw new ApiError(400, ErrorCode.General, 'A DM interaction must come from the DM recipient');

  let data: Json;
  let commandName: string | undefined;
  let type: number;
  if (kind === 'command') {
    const built = commandData(state, body, guild?.id, userId);
    data = built.data;
    commandName = built.command.name;
    type = InteractionType.Command;
  } else if (kind === 'component') {
    if (!message) throw new ApiError(400, ErrorCode.General, 'messageId is required for a component interaction');
    data = componentData(state, message, body, userId);
    type = InteractionType.Component;
  } else {
    data = modalData(body);
    type = InteractionType.ModalSubmit;
  }

  const record = interactions.create({ type, channelId: channel.id, guildId: guild?.id, userId, componentMessageId: message?.message.id, commandName });
  const payload: Json = {
    id: record.id,
    application_id: state.application.id,
    type,
    data,
    channel: interactionChannel(state, channel, userId),
    channel_id: channel.id,
    token: record.token,
    version: 1,
    app_permissions: (guild ? state.channelPermissions(channel, state.application.botUserId) : 0n).toString(),
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: guild ? { '0': guild.id } : { '1': userId },
    context: guild ? 0 : 1,
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
  };
  if (guild && member) {
    payload.guild_id = guild.id;
    payload.guild = { id: guild.id, locale: guild.preferred_locale, features: guild.features };
    payload.guild_locale = guild.preferred_locale;
    payload.member = { ...state.memberPayload(guild, member), permissions: state.channelPermissions(channel, userId).toString() };
  } else {
    payload.user = user;
  }
  if (message) payload.message = messagePayload(state, message);
  record.payload = payload;
  stats.interactions++;

  const started = Date.now();
  state.emit('INTERACTION_CREATE', payload, guild ? { guildId: guild.id } : {});
  const callback = await interactions.waitForCallback(record, typeof body.waitMs === 'number' ? body.waitMs : WAIT_MS);
  return { interactionId: record.id, token: record.token, callback, deadlineMissed: callback === null, elapsedMs: Date.now() - started };
}

export function registerInteractionControl(router: ControlRouter): void {
  router.add('POST', '/interactions', runInteraction);
  router.add('GET', '/interactions/:interactionId', (ctx) => {
    const record = ctx.sim.interactions.get(ctx.params.interactionId ?? '');
    if (!record) throw new ApiError(404, ErrorCode.UnknownInteraction);
    return { interactionId: record.id, token: record.token, callback: record.callback, originalMessageId: record.originalMessageId ?? null, payload: record.payload };
  });
}
