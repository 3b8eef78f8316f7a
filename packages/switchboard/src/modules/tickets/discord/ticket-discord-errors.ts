/**
 * What the ticket channel manager throws. `TicketLimitRefusal`: a Discord limit leaves no room (channels in
 * the guild, active threads), decided before anything was sent. `TicketDiscordFailure`: Discord refused a
 * call; its message is the sentence from `discordErrorReply`, and `reply` carries the reference and the
 * one-line summary to log. Both messages can be shown to the person as they are.
 */
import { DiscordAPIError } from '@discordjs/rest';
import { discordErrorReply, restFailureFromError, type ErrorReply, type ReplyContext } from '../../../discord/discord-error-reply.ts';

export type TicketLimit = 'guild-channel-limit' | 'active-thread-limit';

export class TicketLimitRefusal extends Error {
  override readonly name = 'TicketLimitRefusal';
  readonly limit: TicketLimit;

  constructor(limit: TicketLimit, message: string) {
    super(message);
    this.limit = limit;
  }
}

export class TicketDiscordFailure extends Error {
  override readonly name = 'TicketDiscordFailure';
  readonly reply: ErrorReply;
  /** Discord's JSON error code, when there was one. */
  readonly code: number | undefined;

  constructor(reply: ErrorReply, code: number | undefined, cause: unknown) {
    super(reply.message, { cause });
    this.reply = reply;
    this.code = code;
  }
}

/** Discord's error code of `error`, when it is a Discord API error with a numeric code. */
export function discordCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
}

/** `error` as a `TicketDiscordFailure` when it came from Discord; anything else (a bug, a refusal) unchanged. */
export function asTicketFailure(error: unknown, context: ReplyContext): unknown {
  if (!(error instanceof DiscordAPIError)) return error;
  return new TicketDiscordFailure(discordErrorReply(restFailureFromError(error), context), discordCode(error), error);
}
