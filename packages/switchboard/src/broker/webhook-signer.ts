/**
 * Builds a webhook request the Standard Webhooks way: the body is the JSON of the payload, and
 * `webhook-signature` is `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the bytes the
 * secret's base64 (after `whsec_`) stands for. While a rotated-out secret is still within its grace period,
 * the request carries a signature with each secret, space-separated, so that a receiver holding either one
 * accepts it.
 *
 * The HMAC is `node:crypto`'s (native), not the `standardwebhooks` package's JavaScript SHA-256, which cost
 * ten times as much per event; the output is byte for byte the same (the tests check it against that
 * package's verifier). Decoded keys are kept, so a secret's base64 is decoded once, not per request.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** Plain (decrypted) signing secrets, `whsec_<base64>`. */
export type SigningSecrets = {
  current: string;
  previous: string | null;
  /** Until when (ms) the previous secret still signs. */
  previousExpiresAt: number | null;
};

export type WebhookRequest = { body: string; headers: Record<string, string> };

export const WEBHOOK_USER_AGENT = 'Switchboard-Webhooks/1';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Decoded signing keys kept in memory, at most (two per app during a rotation). */
const KEYS_KEPT = 1_000;
const keys = new Map<string, KeyObject>();

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional, as in Standard Webhooks). */
function keyOf(secret: string): KeyObject {
  const known = keys.get(secret);
  if (known !== undefined) return known;
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0) throw new Error('the webhook signing secret is empty');
  if (!BASE64.test(encoded)) throw new Error('the webhook signing secret is not `whsec_` followed by base64');
  const key = createSecretKey(Buffer.from(encoded, 'base64'));
  if (keys.size >= KEYS_KEPT) keys.delete(keys.keys().next().value!);
  keys.set(secret, key);
  return key;
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp seconds>.<body>">`. */
export function webhookSignature(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The secrets that sign at `now`: the current one, and the previous one while its grace period lasts. */
export function activeSecrets(secrets: SigningSecrets, now: number): string[] {
  const previousActive = secrets.previous !== null && secrets.previousExpiresAt !== null && secrets.previousExpiresAt > now;
  return previousActive ? [secrets.current, secrets.previous!] : [secrets.current];
}

/** The signed request for `body`, the JSON text to send (the event body: `webhookEventJson`). */
export function buildWebhookRequest(input: { webhookId: string; body: string; secrets: SigningSecrets; now: number }): WebhookRequest {
  const { body } = input;
  const timestamp = Math.floor(input.now / 1000);
  const signature = activeSecrets(input.secrets, input.now)
    .map((secret) => webhookSignature(secret, input.webhookId, timestamp, body))
    .join(' ');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': input.webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    },
  };
}
