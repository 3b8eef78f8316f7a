/**
 * Everything a handler can answer to one interaction, over the `API` it is given. It remembers how the
 * interaction was acknowledged, so that each method does what Discord allows at that point: a reply after a
 * deferral edits the deferred message, a reply after an answer becomes a follow-up. Calls run one at a time
 * in the order made, because the router may defer on a handler's behalf while the handler is answering, and
 * the second acknowledgement would be refused. Long text is split into several messages. Once the token has
 * expired, nothing is sent: Discord would only answer with errors that count against the bot.
 */
import type { API } from '@discordjs/core';
import type { RawFile } from '@discordjs/rest';
import {
  InteractionType,
  MessageFlags,
  type APIApplicationCommandOptionChoice,
  type APIInteraction,
  type APIInteractionResponseCallbackData,
  type APIMessage,
  type APIModalInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import { INTERACTION_RESPONSE_DEADLINE_MS, INTERACTION_TOKEN_LIFETIME_MS } from 'discord-limits';
import { splitMessage } from '../discord/split-message.ts';
import { snowflakeTimestamp } from './snowflake-time.ts';

/** A message to send: plain text, or a full message body. */
export type MessageData = APIInteractionResponseCallbackData & { files?: RawFile[] };
export type ReplyInput = string | MessageData;

/** How far the interaction has been answered. */
export type ResponderState = 'pending' | 'deferred-reply' | 'deferred-update' | 'replied' | 'updated' | 'modal' | 'autocompleted';

/** Where the response deadline and the token lifetime are counted from. */
export type TimeOrigin = 'created' | 'received';

export type InteractionResponderOptions = {
  api: API;
  interaction: APIInteraction;
  /** When the hub received the interaction (default: now). */
  receivedAt?: number;
  now?: () => number;
  /** Added to the text of the first message sent (the deprecation notice of a deprecated command). */
  notice?: string | null;
  /** Told once, with the time from the origin to the first acknowledgement. */
  onAcknowledged?: (ms: number) => void;
};

/** Thrown instead of calling Discord after the interaction's token has expired. */
export class InteractionExpiredError extends Error {
  override readonly name = 'InteractionExpiredError';
}

/** Thrown when a method does not fit the interaction or its state, e.g. a modal after a deferral: a handler bug. */
export class InteractionStateError extends Error {
  override readonly name = 'InteractionStateError';
}

/**
 * The origin of the interaction's clocks: its snowflake time when that is plausible, otherwise the moment it
 * was received. A creation time after receipt, or long before it, means the two clocks disagree, and then
 * only our own clock can be trusted.
 */
export function interactionOrigin(interactionId: string, receivedAt: number): { at: number; from: TimeOrigin } {
  const created = snowflakeTimestamp(interactionId);
  if (created !== null && created <= receivedAt && receivedAt - created < INTERACTION_RESPONSE_DEADLINE_MS) {
    return { at: created, from: 'created' };
  }
  return { at: receivedAt, from: 'received' };
}

/**
 * The messages that carry `input`: its text (with `notice` after it) split to fit, the first part carrying
 * everything else (embeds, components, files), so that the message later edited as `@original` is the one
 * with the components. Every part keeps the flags and the allowed mentions.
 */
export function messageParts(input: ReplyInput, options: { ephemeral?: boolean; notice?: string | null } = {}): MessageData[] {
  const data: MessageData = typeof input === 'string' ? { content: input } : input;
  const { content, ...rest } = data;
  const flags = (rest.flags ?? 0) | (options.ephemeral ? MessageFlags.Ephemeral : 0);
  const shared: MessageData = {
    ...(flags !== 0 ? { flags } : {}),
    ...(rest.allowed_mentions ? { allowed_mentions: rest.allowed_mentions } : {}),
  };
  const text = [content ?? '', options.notice ?? ''].filter((part) => part.trim() !== '').join('\n\n');
  const pieces = splitMessage(text);
  const [first, ...others] = pieces;
  return [{ ...rest, ...shared, ...(first === undefined ? {} : { content: first }) }, ...others.map((piece) => ({ ...shared, content: piece }))];
}

/** Edits cannot change flags; Discord ignores most and rejects some. */
function withoutFlags(data: MessageData): MessageData {
  const { flags: _flags, ...rest } = data;
  return rest;
}

export class InteractionResponder {
  readonly interaction: APIInteraction;
  readonly #api: API;
  readonly #now: () => number;
  readonly #origin: { at: number; from: TimeOrigin };
  readonly #receivedAt: number;
  readonly #onAcknowledged: ((ms: number) => void) | undefined;
  #notice: string | null;
  #state: ResponderState = 'pending';
  #acknowledgedAfterMs: number | null = null;
  /** A deferred reply shows "thinking…" until its first edit; after that, replies become follow-ups. */
  #deferredReplyFilled = false;
  #deferEphemeral = true;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: InteractionResponderOptions) {
    this.#api = options.api;
    this.interaction = options.interaction;
    this.#now = options.now ?? Date.now;
    this.#receivedAt = options.receivedAt ?? this.#now();
    this.#origin = interactionOrigin(options.interaction.id, this.#receivedAt);
    this.#notice = options.notice?.trim() ? options.notice : null;
    this.#onAcknowledged = options.onAcknowledged;
  }

  get state(): ResponderState {
    return this.#state;
  }

  /** Discord has been told something (a reply, a deferral, an update, a modal or choices). */
  get acknowledged(): boolean {
    return this.#state !== 'pending';
  }

  /** Milliseconds from the origin to the first acknowledgement, or null before it. */
  get acknowledgedAfterMs(): number | null {
    return this.#acknowledgedAfterMs;
  }

  /** When the deadline and the token lifetime are counted from, and whether that is Discord's clock or ours. */
  get origin(): { at: number; from: TimeOrigin } {
    return this.#origin;
  }

  get receivedAt(): number {
    return this.#receivedAt;
  }

  /** Whether the token has run out, after which nothing is sent. */
  get expired(): boolean {
    return this.#now() - this.#origin.at >= INTERACTION_TOKEN_LIFETIME_MS;
  }

  /**
   * Tells the router that a deferral on this handler's behalf should be visible to everyone. The default is
   * ephemeral, because a deferral fixes the visibility of the answer and a private answer shown to
   * everyone is worse than a public one shown to one person.
   */
  expectPublicReply(): void {
    this.#deferEphemeral = false;
  }

  /** Sends a message everyone in the channel sees (or, after an ephemeral deferral, the person who asked). */
  reply(input: ReplyInput): Promise<void> {
    return this.#serially(() => this.#send(input, false));
  }

  /** Sends a message only the person who used the interaction sees. */
  replyEphemeral(input: ReplyInput): Promise<void> {
    return this.#serially(() => this.#send(input, true));
  }

  /** Acknowledges now and answers later (Discord shows "thinking…"); the next reply edits that message. */
  defer(options: { ephemeral?: boolean } = {}): Promise<void> {
    return this.#serially(async () => {
      this.#expectState(['pending'], 'defer');
      this.#expectNotAutocomplete('defer');
      const body = options.ephemeral ? { flags: MessageFlags.Ephemeral } : undefined;
      await this.#acknowledge('deferred-reply', () => this.#api.interactions.defer(this.interaction.id, this.interaction.token, body));
    });
  }

  /** For components (and modals opened from one): acknowledges without changing the message yet. */
  deferUpdate(): Promise<void> {
    return this.#serially(async () => {
      this.#expectState(['pending'], 'deferUpdate');
      this.#expectMessageInteraction('deferUpdate');
      await this.#acknowledge('deferred-update', () => this.#api.interactions.deferMessageUpdate(this.interaction.id, this.interaction.token));
    });
  }

  /** Changes the message the component sits on; after an acknowledgement, edits the original message instead. */
  update(input: ReplyInput): Promise<void> {
    return this.#serially(async () => {
      const data = typeof input === 'string' ? { content: input } : input;
      if (this.#state === 'pending') {
        this.#expectMessageInteraction('update');
        await this.#acknowledge('updated', () => this.#api.interactions.updateMessage(this.interaction.id, this.interaction.token, data));
        return;
      }
      this.#expectState(['deferred-reply', 'deferred-update', 'replied', 'updated'], 'update');
      await this.#editOriginal(data);
    });
  }

  /** Further messages after the interaction has been acknowledged; long text becomes several. */
  followUp(input: ReplyInput, options: { ephemeral?: boolean } = {}): Promise<APIMessage[]> {
    return this.#serially(async () => {
      this.#expectState(['deferred-reply', 'deferred-update', 'replied', 'updated'], 'followUp');
      return this.#followUps(messageParts(input, options));
    });
  }

  /** Edits the original answer (or, with `messageId`, a follow-up). */
  editReply(input: ReplyInput, messageId: string = '@original'): Promise<APIMessage> {
    return this.#serially(async () => {
      this.#expectState(['deferred-reply', 'deferred-update', 'replied', 'updated'], 'editReply');
      const data = typeof input === 'string' ? { content: input } : input;
      return this.#editOriginal(data, messageId);
    });
  }

  /** Opens a form; only as the first answer, and not to a modal submission. */
  showModal(modal: APIModalInteractionResponseCallbackData): Promise<void> {
    return this.#serially(async () => {
      this.#expectState(['pending'], 'showModal');
      this.#expectNotAutocomplete('showModal');
      if (this.interaction.type === InteractionType.ModalSubmit) throw new InteractionStateError('a modal cannot answer a modal submission');
      await this.#acknowledge('modal', () => this.#api.interactions.createModal(this.interaction.id, this.interaction.token, modal));
    });
  }

  /** The suggestions for an autocomplete interaction. */
  autocomplete(choices: APIApplicationCommandOptionChoice[]): Promise<void> {
    return this.#serially(async () => {
      this.#expectState(['pending'], 'autocomplete');
      if (this.interaction.type !== InteractionType.ApplicationCommandAutocomplete) {
        throw new InteractionStateError('autocomplete choices only answer an autocomplete interaction');
      }
      await this.#acknowledge('autocompleted', () =>
        this.#api.interactions.createAutocompleteResponse(this.interaction.id, this.interaction.token, { choices }),
      );
    });
  }

  /**
   * What the router calls shortly before the deadline: defers if nothing has been sent yet (a component keeps
   * its message until the handler updates it), and does nothing otherwise. True when it deferred.
   */
  deferIfPending(): Promise<boolean> {
    return this.#serially(async () => {
      if (this.#state !== 'pending' || this.interaction.type === InteractionType.ApplicationCommandAutocomplete) return false;
      if (this.interaction.type === InteractionType.MessageComponent) {
        await this.#acknowledge('deferred-update', () => this.#api.interactions.deferMessageUpdate(this.interaction.id, this.interaction.token));
      } else {
        const body = this.#deferEphemeral ? { flags: MessageFlags.Ephemeral } : undefined;
        await this.#acknowledge('deferred-reply', () => this.#api.interactions.defer(this.interaction.id, this.interaction.token, body));
      }
      return true;
    });
  }

  /** Whether a deferred reply is still showing "thinking…" (nothing has filled it in). */
  get awaitingDeferredReply(): boolean {
    return this.#state === 'deferred-reply' && !this.#deferredReplyFilled;
  }

  /** Runs `operation` after every earlier call has finished, whatever their outcome. */
  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const guarded = async () => {
      if (this.expired) {
        throw new InteractionExpiredError(
          `the interaction ${this.interaction.id} is older than ${INTERACTION_TOKEN_LIFETIME_MS / 60_000} minutes; its token no longer works`,
        );
      }
      return operation();
    };
    const run = this.#tail.then(guarded, guarded);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #acknowledge(next: ResponderState, call: () => Promise<unknown>): Promise<void> {
    await call();
    this.#state = next;
    const ms = Math.max(0, this.#now() - this.#origin.at);
    this.#acknowledgedAfterMs = ms;
    this.#onAcknowledged?.(ms);
  }

  async #send(input: ReplyInput, ephemeral: boolean): Promise<void> {
    const parts = messageParts(input, { ephemeral, notice: this.#notice });
    const [first, ...rest] = parts;
    if (first === undefined) return;
    switch (this.#state) {
      case 'pending':
        this.#expectNotAutocomplete('reply');
        await this.#acknowledge('replied', () => this.#api.interactions.reply(this.interaction.id, this.interaction.token, first));
        this.#notice = null;
        await this.#followUps(rest);
        return;
      case 'deferred-reply':
        if (!this.#deferredReplyFilled) {
          await this.#editOriginal(withoutFlags(first));
          this.#notice = null;
          await this.#followUps(rest);
          return;
        }
        break;
      case 'modal':
      case 'autocompleted':
        throw new InteractionStateError(`cannot send a message after answering with ${this.#state === 'modal' ? 'a modal' : 'autocomplete choices'}`);
      default:
        break;
    }
    await this.#followUps(parts);
    this.#notice = null;
  }

  async #editOriginal(data: MessageData, messageId: string = '@original'): Promise<APIMessage> {
    const message = await this.#api.interactions.editReply(this.interaction.application_id, this.interaction.token, withoutFlags(data), messageId);
    if (messageId === '@original') this.#deferredReplyFilled = true;
    return message;
  }

  async #followUps(parts: MessageData[]): Promise<APIMessage[]> {
    const sent: APIMessage[] = [];
    for (const part of parts) {
      sent.push(await this.#api.interactions.followUp(this.interaction.application_id, this.interaction.token, part));
      // On Discord the first follow-up after a deferral fills in the deferred message.
      if (this.#state === 'deferred-reply') this.#deferredReplyFilled = true;
    }
    return sent;
  }

  #expectState(allowed: readonly ResponderState[], method: string): void {
    if (allowed.includes(this.#state)) return;
    const why = this.#state === 'pending' ? 'before the interaction has been acknowledged' : `after it was answered (${this.#state})`;
    throw new InteractionStateError(`${method} cannot be used ${why}`);
  }

  #expectNotAutocomplete(method: string): void {
    if (this.interaction.type === InteractionType.ApplicationCommandAutocomplete) {
      throw new InteractionStateError(`${method} cannot answer an autocomplete interaction; use autocomplete()`);
    }
  }

  #expectMessageInteraction(method: string): void {
    const onMessage =
      this.interaction.type === InteractionType.MessageComponent ||
      (this.interaction.type === InteractionType.ModalSubmit && this.interaction.message !== undefined);
    if (!onMessage) throw new InteractionStateError(`${method} only works for a component or a modal opened from one`);
  }
}
