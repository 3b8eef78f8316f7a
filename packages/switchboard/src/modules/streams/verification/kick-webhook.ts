/**
 * Verifying and classifying a Kick webhook request.
 *
 * Signature: RSA-SHA256 (PKCS#1 v1.5) with Kick's public key over
 * `Kick-Event-Message-Id + "." + Kick-Event-Message-Timestamp + "." + raw body`, sent
 * base64-encoded in `Kick-Event-Signature`. When `now` is given, the message timestamp must
 * also lie within the replay window. Repeats of a message id are the caller's to drop
 * (see `message-dedupe.ts`), keyed by the `messageId` returned here.
 */
import { constants, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bodyBytes, singleHeader } from './headers.ts';
import type { HeaderRecord } from './headers.ts';
import { isRecord, optionalString, parseJson } from './json-shape.ts';
import { checkTimestampWindow, REPLAY_WINDOW_MS } from './timestamp-window.ts';

export type KickVerifyInput = {
  readonly headers: HeaderRecord;
  readonly rawBody: Uint8Array | string;
  /** Kick's public key, PEM (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`). */
  readonly publicKeyPem: string;
  /** Milliseconds since the epoch; when given, the timestamp header must be within `windowMs` of it. */
  readonly now?: number;
  readonly windowMs?: number;
};

export type KickEvent =
  | {
      readonly type: 'livestream.status.updated';
      readonly isLive: boolean;
      readonly broadcasterUserId: string;
      readonly broadcasterChannelSlug: string | undefined;
      readonly title: string | undefined;
      readonly startedAt: string | undefined;
      readonly endedAt: string | undefined;
    }
  /** A correctly signed event of a type this module does not act on. */
  | { readonly type: 'unsupported'; readonly eventType: string };

export type KickRefusal =
  | 'missing_header'
  | 'bad_public_key'
  | 'malformed_signature'
  | 'bad_signature'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'bad_json'
  | 'bad_payload';

export type KickVerifyResult =
  | { readonly ok: true; readonly messageId: string; readonly subscriptionId: string | undefined; readonly event: KickEvent }
  | { readonly ok: false; readonly reason: KickRefusal };

export const KICK_HEADERS = {
  messageId: 'Kick-Event-Message-Id',
  timestamp: 'Kick-Event-Message-Timestamp',
  signature: 'Kick-Event-Signature',
  eventType: 'Kick-Event-Type',
  subscriptionId: 'Kick-Event-Subscription-Id',
} as const;

/** The exact bytes Kick signs. */
export function kickSignedPayload(messageId: string, timestamp: string, rawBody: Uint8Array | string): Buffer {
  return Buffer.concat([Buffer.from(`${messageId}.${timestamp}.`, 'utf8'), bodyBytes(rawBody)]);
}

export function verifyKickWebhook(input: KickVerifyInput): KickVerifyResult {
  const messageId = singleHeader(input.headers, KICK_HEADERS.messageId);
  const timestamp = singleHeader(input.headers, KICK_HEADERS.timestamp);
  const signature = singleHeader(input.headers, KICK_HEADERS.signature);
  const eventType = singleHeader(input.headers, KICK_HEADERS.eventType);
  if (messageId === undefined || timestamp === undefined || signature === undefined || eventType === undefined) {
    return { ok: false, reason: 'missing_header' };
  }

  const key = publicKey(input.publicKeyPem);
  if (key === undefined) return { ok: false, reason: 'bad_public_key' };
  const trimmed = signature.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return { ok: false, reason: 'malformed_signature' };
  const signatureBytes = Buffer.from(trimmed, 'base64');
  if (!rsaVerifies(key, kickSignedPayload(messageId, timestamp, input.rawBody), signatureBytes)) {
    return { ok: false, reason: 'bad_signature' };
  }

  if (input.now !== undefined) {
    const window = checkTimestampWindow(timestamp, input.now, input.windowMs ?? REPLAY_WINDOW_MS);
    if (!window.ok) return { ok: false, reason: window.reason };
  }

  const parsed = parseJson(bodyBytes(input.rawBody));
  if (parsed === undefined) return { ok: false, reason: 'bad_json' };
  const event = classify(eventType, parsed.value);
  if (event === undefined) return { ok: false, reason: 'bad_payload' };
  return { ok: true, messageId, subscriptionId: singleHeader(input.headers, KICK_HEADERS.subscriptionId), event };
}

function publicKey(pem: string): KeyObject | undefined {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'rsa' ? key : undefined;
  } catch {
    return undefined;
  }
}

function rsaVerifies(key: KeyObject, data: Buffer, signatureBytes: Buffer): boolean {
  try {
    return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signatureBytes);
  } catch {
    return false;
  }
}

function classify(eventType: string, body: unknown): KickEvent | undefined {
  if (!isRecord(body)) return undefined;
  if (eventType !== 'livestream.status.updated') return { type: 'unsupported', eventType };
  const broadcaster = isRecord(body.broadcaster) ? body.broadcaster : undefined;
  const userId = broadcaster?.user_id;
  const broadcasterUserId = typeof userId === 'number' && Number.isSafeInteger(userId) ? String(userId) : optionalString(userId);
  if (typeof body.is_live !== 'boolean' || broadcasterUserId === undefined || broadcasterUserId === '') return undefined;
  return {
    type: 'livestream.status.updated',
    isLive: body.is_live,
    broadcasterUserId,
    broadcasterChannelSlug: optionalString(broadcaster?.channel_slug),
    title: optionalString(body.title),
    startedAt: optionalString(body.started_at),
    endedAt: optionalString(body.ended_at),
  };
}
