/** Signing test webhooks with the real standardwebhooks library, as the hub does. */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A fresh `whsec_` secret. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The three headers for `body`, signed with `secret` at `date` (default now). */
export function signedHeaders(secret: string, id: string, body: string, date: Date = new Date()): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, date, body),
  };
}

/** An event body as the hub sends it. */
export function eventBody(type: string, data: unknown, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: `evt_${type}`, type, appId: 'my-app', guildId: '100', createdAt: '2026-01-01T00:00:00.000Z', data, ...overrides });
}
