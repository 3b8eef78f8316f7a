/**
 * Turns a failed Discord REST call into one sentence the person who triggered it can act on. Errors that
 * point at a bug or at something unexpected also get a short reference id, which the caller logs next to
 * the full error so that a user's report can be matched to it.
 */
import { randomBytes } from 'node:crypto';
import type { DiscordAPIError } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { ACTIVE_THREADS_PER_GUILD_MAX, CHANNELS_PER_GUILD_MAX } from 'discord-limits';
import { describeDelay } from './backoff.ts';

/** What went wrong, as far as the reply needs to know. */
export type RestFailure = {
  /** Discord's JSON error code, when the response carried one. */
  code?: number;
  status: number;
  method: string;
  /** The request path, e.g. `/channels/123/threads`. */
  route: string;
  /** For a 429: how long Discord asked to wait. */
  retryAfterMs?: number;
};

/** What the caller knows about the request: the channel as a mention (`<#id>`) and the permission it needed. */
export type ReplyContext = { channel?: string; permission?: string };

export type ErrorReply = {
  /** The sentence for the user. */
  message: string;
  /** Set when the message quotes a reference; log it with the error. */
  referenceId: string | null;
  /** One line for the log: request, status and code. */
  summary: string;
};

/** Crockford's base32: digits and capitals without I, L, O and U, so a reference read aloud is unambiguous. */
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Eight characters from 40 random bits, five bits each. */
export function newReferenceId(): string {
  let bits = 0n;
  for (const byte of randomBytes(5)) bits = (bits << 8n) | BigInt(byte);
  let id = '';
  for (let i = 0; i < 8; i += 1) {
    id = REFERENCE_ALPHABET.charAt(Number(bits & 31n)) + id;
    bits >>= 5n;
  }
  return id;
}

/** Reads a `DiscordAPIError` from `@discordjs/rest`; OAuth errors carry string codes, which are left out. */
export function restFailureFromError(error: Pick<DiscordAPIError, 'code' | 'status' | 'method' | 'url'>): RestFailure {
  let route = error.url;
  try {
    route = new URL(error.url).pathname.replace(/^\/api\/v\d+/, '');
  } catch {
    // Not an absolute URL: keep it as it is.
  }
  return {
    ...(typeof error.code === 'number' ? { code: error.code } : {}),
    status: error.status,
    method: error.method.toUpperCase(),
    route,
  };
}

/** Sentences for the error codes a user can understand or fix; `where` is " in <#id>" or empty. */
function knownCodeMessage(code: number, context: ReplyContext): string | undefined {
  const where = context.channel ? ` in ${context.channel}` : '';
  switch (code) {
    case RESTJSONErrorCodes.MissingPermissions:
      return context.permission ? `I need the ${context.permission} permission${where}.` : `I'm missing a permission${where}.`;
    case RESTJSONErrorCodes.MissingAccess:
      return `I can't access ${context.channel ?? 'that channel'}; make sure I can view it.`;
    case RESTJSONErrorCodes.UnknownChannel:
      return 'That channel no longer exists.';
    case RESTJSONErrorCodes.UnknownMessage:
      return 'That message no longer exists.';
    case RESTJSONErrorCodes.UnknownGuild:
      return "I'm not in that server any more.";
    case RESTJSONErrorCodes.UnknownUser:
      return "Discord doesn't know that user.";
    case RESTJSONErrorCodes.UnknownMember:
      return 'That person is no longer a member of this server.';
    case RESTJSONErrorCodes.CannotSendMessagesToThisUser:
      return "I can't send that person a direct message; they may have turned off DMs from server members.";
    case RESTJSONErrorCodes.MaximumActiveThreads:
      return `This server has reached Discord's limit of ${ACTIVE_THREADS_PER_GUILD_MAX} active threads; archive some and try again.`;
    case RESTJSONErrorCodes.MaximumNumberOfGuildChannelsReached:
      return `This server has reached Discord's limit of ${CHANNELS_PER_GUILD_MAX} channels; delete some and try again.`;
    default:
      return undefined;
  }
}

/** The reply for `failure`; `newId` is injectable so that tests can pin the reference. */
export function discordErrorReply(failure: RestFailure, context: ReplyContext = {}, newId: () => string = newReferenceId): ErrorReply {
  const code = failure.code ? ` code ${failure.code}` : '';
  const request = `${failure.method} ${failure.route} → ${failure.status}${code}`;
  const plain = (message: string): ErrorReply => ({ message, referenceId: null, summary: request });
  const referenced = (sentence: (id: string) => string): ErrorReply => {
    const id = newId();
    return { message: sentence(id), referenceId: id, summary: `${request} (reference ${id})` };
  };

  if (failure.status === 429) {
    const wait = failure.retryAfterMs ?? 0;
    const when = wait > 0 ? describeDelay(wait) : 'in a few seconds';
    return plain(`Discord is rate limiting me; try again ${when}.`);
  }
  if (failure.code === RESTJSONErrorCodes.InvalidFormBodyOrContentType) {
    return referenced((id) => `Discord rejected my request as malformed, which is a bug on my side; please report reference ${id}.`);
  }
  const known = failure.code === undefined ? undefined : knownCodeMessage(failure.code, context);
  if (known) return plain(known);
  if (failure.status >= 500) return plain('Discord is having trouble; try again in a moment.');
  return referenced((id) => `Something went wrong while talking to Discord (reference ${id}).`);
}
