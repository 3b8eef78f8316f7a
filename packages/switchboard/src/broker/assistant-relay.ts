/**
 * The assistant relay: a message that mentions the bot in a guild, or any message in a DM with the bot,
 * goes to the assistant app chosen for that guild (`@dm` for direct messages) as an `assistant.message`
 * event, sent at once with a budget of about 15 s while the channel shows the bot typing. When the app
 * answers `{ reply }` in its HTTP response, the hub posts the reply as a reply to the user's message, split
 * to fit Discord's limit; otherwise nothing is posted, the event stays in the outbox, and the app may answer
 * later through the hub. Each user has a budget of relayed messages; `/clear` starts a new conversation.
 */
import type { API } from '@discordjs/core';
import { DiscordAPIError, HTTPError } from '@discordjs/rest';
import {
  AllowedMentionsTypes,
  MessageType,
  type APIChatInputApplicationCommandInteraction,
  type APIUser,
  type GatewayMessageCreateDispatchData,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { splitMessage } from '../discord/split-message.ts';
import type { InteractionResponder } from '../interactions/interaction-responder.ts';
import type { RateLimiter, RateLimitRule } from '../rate-limit/rate-limiter.ts';
import type { AppRecord, AppRepository } from '../storage/app-repository.ts';
import type { ConversationRepository } from '../storage/conversation-repository.ts';
import type { Tables } from '../storage/schema.ts';
import { enqueueEvent } from '../storage/webhook-repository.ts';
import type { AppDirectory } from './app-directory.ts';
import { conversationDay, conversationId, type ConversationScope } from './conversation-id.ts';
import type { DirectDelivery, DirectResult } from './direct-delivery.ts';
import { newEventId } from './webhook-event.ts';

/** How long the assistant app has to answer in its HTTP response. */
export const ASSISTANT_BUDGET_MS = 15_000;
/** The `assistantFor` key of the assistant for direct messages. */
export const DM_ASSISTANT_KEY = '@dm';
/** Discord shows "typing…" for about 10 s; it is shown again this often while the app thinks. */
const TYPING_REFRESH_MS = 8_000;
/** Notices (no assistant, too fast) go to one user at most once a minute, so that the bot never floods a channel. */
const NOTICE_RULE: RateLimitRule = { capacity: 1, refillPerSecond: 1 / 60 };

export const NO_ASSISTANT_MESSAGE = 'No assistant is set up here yet. An admin can choose one with the API.';
export const CONVERSATION_CLEARED_MESSAGE = 'Started a new conversation.';

export function tooFastMessage(retryAfterMs: number): string {
  if (!Number.isFinite(retryAfterMs)) return "You're sending messages a bit fast — try again later.";
  return `You're sending messages a bit fast — try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`;
}

// ---------------------------------------------------------------------------------------------------------
// Which messages are for the assistant

type MessageLike = { content: string; mentions: readonly Pick<APIUser, 'id'>[] };

const mentionPattern = (userId: string, flags: string) => new RegExp(`<@!?${userId}>`, flags);
const isSnowflake = (id: string) => /^\d{1,20}$/.test(id);

/** Whether the message mentions the user: in `mentions`, or as `<@id>` / `<@!id>` in its text. */
export function mentionsUser(message: MessageLike, userId: string): boolean {
  if (message.mentions.some((user) => user.id === userId)) return true;
  return isSnowflake(userId) && mentionPattern(userId, '').test(message.content);
}

/** The text without the user's mentions, trimmed; a leading mention takes a following `,` or `:` with it. */
export function withoutMention(content: string, userId: string): string {
  if (!isSnowflake(userId)) return content.trim();
  return content
    .replace(new RegExp(`^\\s*<@!?${userId}>[\\s,:]*`), '')
    .replace(new RegExp(`[ \\t]*<@!?${userId}>`, 'g'), '')
    .trim();
}

/** What the user asks the assistant, or null when the message is not for it (bots, system messages, no mention). */
export function assistantQuestion(message: GatewayMessageCreateDispatchData, botUserId: string): { content: string } | null {
  if (message.author.bot || message.webhook_id || message.author.id === botUserId) return null;
  if (message.type !== MessageType.Default && message.type !== MessageType.Reply) return null;
  const inDm = message.guild_id === undefined;
  if (!inDm && !mentionsUser(message, botUserId)) return null;
  return { content: withoutMention(message.content, botUserId) };
}

/** The reply in the app's HTTP answer (`{ "reply": "…" }`), or null when there is none to post. */
export function assistantReplyOf(body: string): string | null {
  if (!body.trim()) return null;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed === null || typeof parsed !== 'object' || !('reply' in parsed)) return null;
    const { reply } = parsed;
    return typeof reply === 'string' && reply.trim() !== '' ? reply : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The relay

export type AssistantRelayOptions = {
  api: () => API;
  db: Kysely<Tables>;
  directory: AppDirectory;
  apps: AppRepository;
  conversations: ConversationRepository;
  direct: DirectDelivery;
  rateLimiter: RateLimiter;
  /** Each user's budget of relayed messages (key `relay:<userId>`); the same rule as for interactions. */
  rateLimit: RateLimitRule;
  botUserId: () => string | undefined;
  logger: Logger;
  budgetMs?: number;
  now?: () => number;
};

/** What became of one message, for logs and tests. */
export type RelayOutcome = 'ignored' | 'no-assistant' | 'rate-limited' | 'replied' | 'no-reply';

export class AssistantRelay {
  readonly #options: AssistantRelayOptions;

  constructor(options: AssistantRelayOptions) {
    this.#options = options;
  }

  get #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** Relays one MESSAGE_CREATE if it is for the assistant. */
  async handle(message: GatewayMessageCreateDispatchData): Promise<RelayOutcome> {
    const botUserId = this.#options.botUserId();
    if (botUserId === undefined) return 'ignored';
    const question = assistantQuestion(message, botUserId);
    if (!question) return 'ignored';
    const userId = message.author.id;
    const app = await this.#assistantOf(message.guild_id ?? null);
    if (!app) {
      if (await this.#allowed(`relay-notice:unset:${userId}`, NOTICE_RULE)) await this.#post(message, [NO_ASSISTANT_MESSAGE], null);
      return 'no-assistant';
    }
    const budget = await this.#consume(`relay:${userId}`, this.#options.rateLimit);
    if (!budget.allowed) {
      if (await this.#allowed(`relay-notice:slow:${userId}`, NOTICE_RULE)) await this.#post(message, [tooFastMessage(budget.retryAfterMs)], null);
      return 'rate-limited';
    }
    return this.#relay(message, question.content, app);
  }

  /** `/clear`: the user's next message in this channel starts a new conversation; the assistant is told. */
  async clear(interaction: APIChatInputApplicationCommandInteraction, reply: InteractionResponder): Promise<void> {
    const userId = interaction.member?.user.id ?? interaction.user?.id;
    const channelId = interaction.channel?.id ?? interaction.channel_id;
    if (userId === undefined || channelId === undefined) {
      await reply.replyEphemeral('There is no conversation to clear here.');
      return;
    }
    const now = this.#now;
    const scope: ConversationScope = { userId, channelId };
    const day = conversationDay(now);
    const { previous } = await this.#options.conversations.startNew({ ...scope, day }, now);
    await reply.replyEphemeral(CONVERSATION_CLEARED_MESSAGE);
    const guildId = interaction.guild_id ?? null;
    const app = await this.#assistantOf(guildId);
    if (!app) return;
    // Nobody waits for the app here: the outbox delivers it, and retries if the app is away.
    await enqueueEvent(this.#options.db, {
      id: newEventId(),
      appId: app.id,
      type: 'assistant.clear',
      guildId,
      payload: { conversationId: conversationId(scope, day, previous), userId, channelId },
      now,
    });
  }

  async #assistantOf(guildId: string | null): Promise<AppRecord | undefined> {
    const appId = await this.#options.apps.assistantFor(guildId ?? DM_ASSISTANT_KEY);
    return appId === undefined ? undefined : this.#options.directory.get(appId);
  }

  async #relay(message: GatewayMessageCreateDispatchData, content: string, app: AppRecord): Promise<RelayOutcome> {
    const now = this.#now;
    const scope: ConversationScope = { userId: message.author.id, channelId: message.channel_id };
    const day = conversationDay(now);
    const generation = await this.#options.conversations.generation({ ...scope, day });
    const guildId = message.guild_id ?? null;
    const data = { conversationId: conversationId(scope, day, generation), userId: scope.userId, channelId: scope.channelId, guildId, content, messageId: message.id };
    const stopTyping = this.#keepTyping(message.channel_id);
    let result: DirectResult;
    try {
      result = await this.#options.direct.send(app, { type: 'assistant.message', guildId, data }, this.#options.budgetMs ?? ASSISTANT_BUDGET_MS);
    } finally {
      stopTyping();
    }
    const answer = result.answered ? assistantReplyOf(result.body) : null;
    if (answer === null) {
      // Not answered in time, or answered without a reply: the app may still post through the hub.
      this.#options.logger.debug({ app: app.id, eventId: result.eventId, answered: result.answered }, 'the assistant gave no reply to post');
      return 'no-reply';
    }
    await this.#post(message, splitMessage(answer), app);
    return 'replied';
  }

  /** Posts the parts in the message's channel, the first as a reply to it; an app's parts are recorded as its messages. */
  async #post(message: GatewayMessageCreateDispatchData, parts: readonly string[], app: AppRecord | null): Promise<void> {
    const api = this.#options.api();
    for (const [index, content] of parts.entries()) {
      const body: RESTPostAPIChannelMessageJSONBody = {
        content,
        // The bot speaks for the app: no @everyone or role pings; a notice does not ping the person either.
        allowed_mentions: { parse: app ? [AllowedMentionsTypes.User] : [], replied_user: app !== null },
        ...(index === 0 ? { message_reference: { message_id: message.id, fail_if_not_exists: false } } : {}),
      };
      try {
        const posted = await api.channels.createMessage(message.channel_id, body);
        if (app) {
          await this.#options.apps.recordMessage({ messageId: posted.id, appId: app.id, channelId: message.channel_id, guildId: message.guild_id ?? null, now: this.#now });
        }
      } catch (error) {
        this.#options.logger.warn({ err: error, channelId: message.channel_id, app: app?.id ?? null, part: index + 1, parts: parts.length }, 'could not post in the channel');
        return;
      }
    }
  }

  /** Shows "typing…" until the returned function is called. A channel that answers 404 (or any failure) gets no indicator. */
  #keepTyping(channelId: string): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const show = async () => {
      try {
        await this.#options.api().channels.showTyping(channelId);
        if (!stopped) timer = setTimeout(() => void show(), TYPING_REFRESH_MS);
      } catch (error) {
        const notFound = (error instanceof DiscordAPIError || error instanceof HTTPError) && error.status === 404;
        if (!notFound) this.#options.logger.debug({ err: error, channelId }, 'could not show the typing indicator');
      }
    };
    void show();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  async #consume(key: string, rule: RateLimitRule): Promise<{ allowed: boolean; retryAfterMs: number }> {
    try {
      return await this.#options.rateLimiter.consume(key, rule);
    } catch (error) {
      this.#options.logger.warn({ err: error, key }, 'the rate limiter failed; letting the message through');
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  async #allowed(key: string, rule: RateLimitRule): Promise<boolean> {
    return (await this.#consume(key, rule)).allowed;
  }
}
