/**
 * What each gateway close code means for the supervisor: whether the session can be resumed, whether
 * retrying can ever help, and what to tell the operator in plain words.
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
 */
import { GatewayCloseCodes } from 'discord-api-types/v10';
import { DISCORD_API_VERSION, GATEWAY_SENDS_MAX, GATEWAY_SENDS_WINDOW_MS } from 'discord-limits';

export type CloseCodeInfo = {
  name: string;
  /** The session survives: reconnect and RESUME instead of identifying again. */
  resumable: boolean;
  /** Retrying cannot help until someone changes the configuration. */
  fatal: boolean;
  /** What happened, in plain words; for fatal codes, also what to do about it. */
  advice: string;
};

/** WebSocket-level codes Discord or the network can produce besides the 4xxx gateway codes. */
export const NORMAL_CLOSURE = 1000;
export const GOING_AWAY = 1001;
export const ABNORMAL_CLOSURE = 1006;

/**
 * Codes Switchboard closes its own socket with, so that the supervisor learns why in the same way as for
 * Discord's: op 7 (Discord asks for a reconnect) and op 9 (invalid session, resumable or not).
 * 4900–4999 are never sent by Discord.
 */
export const RECONNECT_REQUESTED = 4900;
export const INVALID_SESSION_RESUMABLE = 4901;
export const INVALID_SESSION = 4902;

function retry(name: string, resumable: boolean, advice: string): CloseCodeInfo {
  return { name, resumable, fatal: false, advice };
}

function fatal(name: string, advice: string): CloseCodeInfo {
  return { name, resumable: false, fatal: true, advice };
}

export const GATEWAY_CLOSE_CODES: ReadonlyMap<number, CloseCodeInfo> = new Map([
  [NORMAL_CLOSURE, retry('Normal closure', false, 'Discord ended the session.')],
  [GOING_AWAY, retry('Going away', true, 'Discord is moving the connection to another server.')],
  [ABNORMAL_CLOSURE, retry('Abnormal closure', true, 'the connection dropped without a closing handshake.')],
  [RECONNECT_REQUESTED, retry('Reconnect requested', true, 'Discord asked the bot to reconnect and resume.')],
  [INVALID_SESSION_RESUMABLE, retry('Invalid session', true, 'Discord invalidated the session but allows resuming it.')],
  [INVALID_SESSION, retry('Invalid session', false, 'Discord invalidated the session; the bot identifies again.')],
  [GatewayCloseCodes.UnknownError, retry('Unknown error', true, 'Discord hit an error it could not explain.')],
  [GatewayCloseCodes.UnknownOpcode, retry('Unknown opcode', true, 'Discord did not understand a message it was sent.')],
  [GatewayCloseCodes.DecodeError, retry('Decode error', true, 'Discord could not decode a message it was sent.')],
  [GatewayCloseCodes.NotAuthenticated, retry('Not authenticated', true, 'a message was sent before identifying.')],
  [GatewayCloseCodes.AlreadyAuthenticated, retry('Already authenticated', true, 'the connection identified twice.')],
  [GatewayCloseCodes.InvalidSeq, retry('Invalid sequence', false, 'Discord did not accept the point to resume from.')],
  [
    GatewayCloseCodes.RateLimited,
    retry(
      'Rate limited',
      true,
      `more than ${GATEWAY_SENDS_MAX} gateway messages were sent within ${GATEWAY_SENDS_WINDOW_MS / 1000} s.`,
    ),
  ],
  [GatewayCloseCodes.SessionTimedOut, retry('Session timed out', false, 'the session expired.')],
  [
    GatewayCloseCodes.AuthenticationFailed,
    fatal('Authentication failed', 'DISCORD_TOKEN was rejected by Discord: create a new token in the Developer Portal and set DISCORD_TOKEN.'),
  ],
  [
    GatewayCloseCodes.InvalidShard,
    fatal('Invalid shard', 'Discord rejected the shard settings: each shard id must be below the shard count.'),
  ],
  [
    GatewayCloseCodes.ShardingRequired,
    fatal('Sharding required', 'the bot is in too many servers for one connection: Discord requires it to run with several shards.'),
  ],
  [
    GatewayCloseCodes.InvalidAPIVersion,
    fatal('Invalid API version', `Discord no longer accepts gateway version ${DISCORD_API_VERSION}: update Switchboard.`),
  ],
  [
    GatewayCloseCodes.InvalidIntents,
    fatal('Invalid intents', 'the intents value is invalid: it must be a bitfield of known gateway intents.'),
  ],
  [
    GatewayCloseCodes.DisallowedIntents,
    fatal(
      'Disallowed intents',
      'enable the Message Content / Server Members / Presence intent for this application in the Developer Portal (Bot → Privileged Gateway Intents).',
    ),
  ],
]);

/** The entry for `code`; an unknown code is treated as a retryable loss of session rather than a reason to give up. */
export function closeCodeInfo(code: number): CloseCodeInfo {
  return GATEWAY_CLOSE_CODES.get(code) ?? retry('Unknown close code', false, 'the connection closed with a code Switchboard does not know.');
}
