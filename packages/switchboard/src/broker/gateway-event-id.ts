/**
 * The webhook event id of an event that came from the gateway: derived from the app, the event type and the
 * dispatch's session and sequence instead of drawn at random, so that a dispatch replayed after a takeover
 * (RESUME on another instance) gets the id it already has in the outbox, and the outbox drops the copy.
 * Same shape as `newEventId()`: `evt_` and 32 hex digits.
 */
import { createHash } from 'node:crypto';
import type { DispatchOrigin } from '../discord/gateway/dispatch-origin.ts';

export function gatewayEventId(appId: string, type: string, origin: Pick<DispatchOrigin, 'sessionId' | 'sequence'>): string {
  const digest = createHash('sha256').update(JSON.stringify([appId, type, origin.sessionId, origin.sequence])).digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}
