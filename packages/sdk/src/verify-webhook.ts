/**
 * Checks that a webhook came from the hub (Standard Webhooks): the timestamp is within the tolerance,
 * one of the `v1,` signatures matches one of the app's secrets, the body is an event, and — with a
 * `ReplayGuard` — its id has not been accepted before. The signature itself is computed by the
 * `standardwebhooks` library; only the comparison (constant-time) and the clock are ours, so that the
 * tolerance and "now" can be chosen.
 */
import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { headerValue, type HeadersLike } from './headers.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { EVENT_TYPES, type UnknownWebhookEvent, type WebhookEvent } from './types.ts';

/** Why a webhook was refused. */
export type VerifyFailureReason =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature'
  | 'invalid_payload'
  /** The very same signed request was accepted before: a copy. Answer 409. */
  | 'replayed'
  /** The hub re-sent an event already accepted (a retry or a redelivery). Answer 2xx, do not handle it again. */
  | 'duplicate';

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time (a `Date` or milliseconds since the epoch). Default: the clock. */
  now?: Date | number;
  /** Refuses an id already accepted (`replayed` or `duplicate`). Its tolerance should match `toleranceSeconds`. */
  replayGuard?: ReplayGuard;
}

export type VerifyResult =
  | {
      ok: true;
      /** The event; its `type` may be one this SDK does not know yet (see `isKnownEvent`). */
      event: WebhookEvent | UnknownWebhookEvent;
      /** The `webhook-id` header: the same on every retry of one delivery. */
      webhookId: string;
      /** The `webhook-timestamp` header. */
      timestamp: Date;
    }
  | { ok: false; reason: VerifyFailureReason; message: string };

/** One or several signing secrets (`whsec_…`), e.g. the new and the old one during a rotation. */
export type SigningSecrets = string | readonly string[];

/**
 * Turns secrets into verifiers. Throws a `TypeError` for an empty list or a secret that is not
 * a `whsec_` base64 key: that is a configuration mistake, not a bad request.
 */
export function webhookVerifiers(secrets: SigningSecrets): Webhook[] {
  const list = typeof secrets === 'string' ? [secrets] : [...secrets];
  if (list.length === 0) throw new TypeError('verifyWebhook: no signing secret given');
  return list.map((secret, index) => {
    try {
      return new Webhook(secret);
    } catch (error) {
      throw new TypeError(`verifyWebhook: signing secret #${index + 1} is not a whsec_ base64 key`, { cause: error });
    }
  });
}

/** Verifies one webhook request. `rawBody` must be the exact bytes received, not re-serialized JSON. */
export function verifyWebhook(
  secrets: SigningSecrets,
  headers: HeadersLike,
  rawBody: string | Uint8Array,
  options: VerifyOptions = {},
): VerifyResult {
  const verifiers = webhookVerifiers(secrets);
  const tolerance = options.toleranceSeconds ?? 300;
  const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const nowSeconds = Math.floor(nowMs / 1000);

  const id = headerValue(headers, 'webhook-id');
  const timestampHeader = headerValue(headers, 'webhook-timestamp');
  const signatureHeader = headerValue(headers, 'webhook-signature');
  if (!id || !timestampHeader || !signatureHeader) {
    return fail('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  }
  if (!/^\d{1,12}$/.test(timestampHeader.trim())) return fail('invalid_timestamp', 'webhook-timestamp is not unix seconds');
  const timestampSeconds = Number(timestampHeader.trim());
  if (nowSeconds - timestampSeconds > tolerance) return fail('timestamp_too_old', `older than ${tolerance} s`);
  if (timestampSeconds - nowSeconds > tolerance) return fail('timestamp_too_new', `more than ${tolerance} s in the future`);

  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
  const timestamp = new Date(timestampSeconds * 1000);
  const offered = v1Signatures(signatureHeader);
  const matches = verifiers.some((verifier) => {
    const expected = Buffer.from(verifier.sign(id, timestamp, body).slice('v1,'.length));
    return offered.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
  });
  if (!matches) return fail('invalid_signature', 'no v1 signature matches a signing secret');

  const event = parseEvent(body);
  if (event === undefined) return fail('invalid_payload', 'the body is not a Switchboard event');
  const seen = options.replayGuard?.check(id, timestampSeconds, nowMs / 1000) ?? 'new';
  if (seen === 'replayed') return fail('replayed', `webhook ${id} was already accepted with this signature`);
  if (seen === 'duplicate') return fail('duplicate', `event ${id} was already accepted`);
  return { ok: true, event, webhookId: id, timestamp };
}

/** Whether the event is of a type this SDK knows, narrowing it to the typed union. */
export function isKnownEvent(event: WebhookEvent | UnknownWebhookEvent): event is WebhookEvent {
  return (EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The `v1` signatures of the header: space-separated `version,base64` pairs; other versions are ignored. */
function v1Signatures(header: string): Buffer[] {
  const signatures: Buffer[] = [];
  for (const token of header.split(/\s+/)) {
    const comma = token.indexOf(',');
    if (comma < 0 || token.slice(0, comma) !== 'v1') continue;
    // A proxy that merged repeated headers may have left a trailing comma.
    signatures.push(Buffer.from(token.slice(comma + 1).replace(/,+$/, '')));
  }
  return signatures;
}

function parseEvent(body: string): WebhookEvent | UnknownWebhookEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  const wellFormed =
    typeof event.id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.appId === 'string' &&
    typeof event.createdAt === 'string' &&
    (event.guildId === null || event.guildId === undefined || typeof event.guildId === 'string') &&
    'data' in event;
  if (!wellFormed) return undefined;
  return { ...event, guildId: event.guildId ?? null } as unknown as UnknownWebhookEvent;
}

function fail(reason: VerifyFailureReason, message: string): VerifyResult {
  return { ok: false, reason, message };
}
