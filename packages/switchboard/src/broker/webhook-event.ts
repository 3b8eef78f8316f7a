/**
 * The body of every webhook the hub sends to an app. This shape is a public contract (the SDK parses it);
 * fields are only ever added, never renamed or removed:
 *
 * ```json
 * {
 *   "id": "evt_…",              // the event id, also the `webhook-id` header; the same on every attempt
 *   "type": "message.create",   // one of WEBHOOK_EVENT_TYPES
 *   "appId": "…",               // the app the event was routed to
 *   "guildId": "…" | null,      // null for direct messages and for pings
 *   "createdAt": "2025-01-01T00:00:00.000Z", // when the hub recorded the event (ISO 8601, UTC)
 *   "data": { … }               // type-specific; `{}` for ping
 * }
 * ```
 *
 * Receivers must treat `id` as an idempotency key: delivery is at least once, so the same event can
 * arrive twice (after a timeout, or a redelivery asked for by the app's owner).
 */
import { randomBytes } from 'node:crypto';

export const WEBHOOK_EVENT_TYPES = [
  'message.create',
  'reaction.add',
  'reaction.remove',
  'interaction.component',
  'interaction.modal',
  'assistant.message',
  'assistant.clear',
  'session.response',
  'ping',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export type WebhookEventBody = {
  id: string;
  type: string;
  appId: string;
  guildId: string | null;
  createdAt: string;
  data: unknown;
};

/**
 * A fresh event id: `evt_` and 32 hex digits, the first 12 the time in milliseconds and the other 20
 * random (80 bits). Ids made later sort later, so that the outbox's indexes take new events at one place
 * (see `gatewayEventId`).
 */
export function newEventId(now = Date.now()): string {
  return `evt_${now.toString(16).padStart(12, '0')}${randomBytes(10).toString('hex')}`;
}

/**
 * The body of a stored event as JSON text (a `WebhookEventBody`, keys in its order), built around the stored
 * JSON text of `data` instead of parsing it only to serialise it again (the text is what `JSON.stringify` made
 * of the data when it was stored).
 */
export function webhookEventJson(event: { id: string; type: string; appId: string; guildId: string | null; createdAt: number; data: string }): string {
  const createdAt = new Date(event.createdAt).toISOString();
  return `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"appId":${JSON.stringify(event.appId)},"guildId":${JSON.stringify(event.guildId)},"createdAt":"${createdAt}","data":${event.data}}`;
}
