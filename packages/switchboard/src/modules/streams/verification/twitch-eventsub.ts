/**
 * Verifying and classifying a Twitch EventSub webhook request.
 *
 * Signature: HMAC-SHA256 with the subscription's secret over
 * `Twitch-Eventsub-Message-Id + Twitch-Eventsub-Message-Timestamp + raw body`, sent as
 * `Twitch-Eventsub-Message-Signature: sha256=<hex>`. Messages whose timestamp is more than
 * ten minutes away from "now" are refused. Repeats of a message id are the caller's to drop
 * (see `message-dedupe.ts`), keyed by the `messageId` returned here.
 */
import { createHmac } from 'node:crypto';
import { bodyBytes, singleHeader } from './headers.ts';
import type { HeaderRecord } from './headers.ts';
import { digestsEqual, parseHexSignature } from './hex-signature.ts';
import { isRecord, optionalString, parseJson } from './json-shape.ts';
import { checkTimestampWindow, REPLAY_WINDOW_MS } from './timestamp-window.ts';

export type TwitchVerifyInput = {
  readonly headers: HeaderRecord;
  readonly rawBody: Uint8Array | string;
  /** The secret given when the subscription was created. */
  readonly secret: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
  readonly windowMs?: number;
};

export type TwitchStreamEvent =
  | {
      readonly type: 'stream.online';
      readonly broadcasterUserId: string;
      readonly broadcasterUserLogin: string | undefined;
      readonly startedAt: string;
      readonly streamId: string | undefined;
    }
  | { readonly type: 'stream.offline'; readonly broadcasterUserId: string; readonly broadcasterUserLogin: string | undefined }
  /** A correctly signed notification for a subscription type this module does not act on. */
  | { readonly type: 'unsupported'; readonly subscriptionType: string };

export type TwitchMessage =
  | {
      readonly kind: 'challenge';
      readonly messageId: string;
      /** Answer with status 200, this exact text as the body, and `Content-Type: text/plain`. */
      readonly challenge: string;
      readonly contentType: 'text/plain';
      readonly subscriptionId: string | undefined;
    }
  | { readonly kind: 'notification'; readonly messageId: string; readonly subscriptionId: string | undefined; readonly event: TwitchStreamEvent }
  | {
      readonly kind: 'revocation';
      readonly messageId: string;
      readonly subscriptionId: string | undefined;
      readonly subscriptionType: string | undefined;
      /** e.g. `authorization_revoked`, `user_removed`, `notification_failures_exceeded`, `version_removed`. */
      readonly status: string;
    };

export type TwitchRefusal =
  | 'missing_header'
  | 'malformed_signature'
  | 'bad_signature'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'bad_json'
  | 'bad_payload'
  | 'unknown_message_type';

export type TwitchVerifyResult = { readonly ok: true; readonly message: TwitchMessage } | { readonly ok: false; readonly reason: TwitchRefusal };

export const TWITCH_HEADERS = {
  messageId: 'Twitch-Eventsub-Message-Id',
  timestamp: 'Twitch-Eventsub-Message-Timestamp',
  signature: 'Twitch-Eventsub-Message-Signature',
  messageType: 'Twitch-Eventsub-Message-Type',
} as const;

/** The `sha256=<hex>` signature Twitch would send for these parts. */
export function twitchSignature(secret: string, messageId: string, timestamp: string, rawBody: Uint8Array | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(messageId, 'utf8');
  mac.update(timestamp, 'utf8');
  mac.update(bodyBytes(rawBody));
  return `sha256=${mac.digest('hex')}`;
}

export function verifyTwitchEventSub(input: TwitchVerifyInput): TwitchVerifyResult {
  const messageId = singleHeader(input.headers, TWITCH_HEADERS.messageId);
  const timestamp = singleHeader(input.headers, TWITCH_HEADERS.timestamp);
  const signatureHeader = singleHeader(input.headers, TWITCH_HEADERS.signature);
  const messageType = singleHeader(input.headers, TWITCH_HEADERS.messageType);
  if (messageId === undefined || timestamp === undefined || signatureHeader === undefined || messageType === undefined) {
    return { ok: false, reason: 'missing_header' };
  }
  if (input.secret === '') return { ok: false, reason: 'bad_signature' };

  const received = parseHexSignature(signatureHeader);
  if (received === undefined || received.algorithm !== 'sha256') return { ok: false, reason: 'malformed_signature' };
  const expected = parseHexSignature(twitchSignature(input.secret, messageId, timestamp, input.rawBody));
  if (expected === undefined || !digestsEqual(expected.digest, received.digest)) return { ok: false, reason: 'bad_signature' };

  const window = checkTimestampWindow(timestamp, input.now, input.windowMs ?? REPLAY_WINDOW_MS);
  if (!window.ok) return { ok: false, reason: window.reason };

  const parsed = parseJson(bodyBytes(input.rawBody));
  if (parsed === undefined) return { ok: false, reason: 'bad_json' };
  return classify(messageType, messageId, parsed.value);
}

function classify(messageType: string, messageId: string, body: unknown): TwitchVerifyResult {
  if (!isRecord(body)) return { ok: false, reason: 'bad_payload' };
  const subscription = isRecord(body.subscription) ? body.subscription : undefined;
  const subscriptionId = optionalString(subscription?.id);
  const subscriptionType = optionalString(subscription?.type);

  switch (messageType) {
    case 'webhook_callback_verification': {
      const challenge = optionalString(body.challenge);
      if (challenge === undefined || challenge === '') return { ok: false, reason: 'bad_payload' };
      return { ok: true, message: { kind: 'challenge', messageId, challenge, contentType: 'text/plain', subscriptionId } };
    }
    case 'notification': {
      if (subscriptionType === undefined || !isRecord(body.event)) return { ok: false, reason: 'bad_payload' };
      const event = streamEvent(subscriptionType, body.event);
      if (event === undefined) return { ok: false, reason: 'bad_payload' };
      return { ok: true, message: { kind: 'notification', messageId, subscriptionId, event } };
    }
    case 'revocation': {
      const status = optionalString(subscription?.status);
      if (status === undefined) return { ok: false, reason: 'bad_payload' };
      return { ok: true, message: { kind: 'revocation', messageId, subscriptionId, subscriptionType, status } };
    }
    default:
      return { ok: false, reason: 'unknown_message_type' };
  }
}

function streamEvent(subscriptionType: string, event: Record<string, unknown>): TwitchStreamEvent | undefined {
  if (subscriptionType !== 'stream.online' && subscriptionType !== 'stream.offline') {
    return { type: 'unsupported', subscriptionType };
  }
  const broadcasterUserId = optionalString(event.broadcaster_user_id);
  if (broadcasterUserId === undefined || broadcasterUserId === '') return undefined;
  const broadcasterUserLogin = optionalString(event.broadcaster_user_login);
  if (subscriptionType === 'stream.offline') return { type: 'stream.offline', broadcasterUserId, broadcasterUserLogin };
  const startedAt = optionalString(event.started_at);
  if (startedAt === undefined) return undefined;
  return { type: 'stream.online', broadcasterUserId, broadcasterUserLogin, startedAt, streamId: optionalString(event.id) };
}
