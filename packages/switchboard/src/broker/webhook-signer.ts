/**
 * Builds a webhook request the Standard Webhooks way: the body is the JSON of the payload, and
 * `webhook-signature` is `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. While a rotated-out
 * secret is still within its grace period, the request carries a signature with each secret,
 * space-separated, so that a receiver holding either one accepts it.
 */
import { Webhook } from 'standardwebhooks';

/** Plain (decrypted) signing secrets, `whsec_<base64>`. */
export type SigningSecrets = {
  current: string;
  previous: string | null;
  /** Until when (ms) the previous secret still signs. */
  previousExpiresAt: number | null;
};

export type WebhookRequest = { body: string; headers: Record<string, string> };

export const WEBHOOK_USER_AGENT = 'Switchboard-Webhooks/1';

/** The secrets that sign at `now`: the current one, and the previous one while its grace period lasts. */
export function activeSecrets(secrets: SigningSecrets, now: number): string[] {
  const previousActive = secrets.previous !== null && secrets.previousExpiresAt !== null && secrets.previousExpiresAt > now;
  return previousActive ? [secrets.current, secrets.previous!] : [secrets.current];
}

export function buildWebhookRequest(input: { webhookId: string; payload: unknown; secrets: SigningSecrets; now: number }): WebhookRequest {
  const body = JSON.stringify(input.payload);
  const timestamp = new Date(input.now);
  const signature = activeSecrets(input.secrets, input.now)
    .map((secret) => new Webhook(secret).sign(input.webhookId, timestamp, body))
    .join(' ');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': input.webhookId,
      'webhook-timestamp': String(Math.floor(input.now / 1000)),
      'webhook-signature': signature,
    },
  };
}
