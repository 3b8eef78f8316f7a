/**
 * What the HTTP routes use for an app's webhooks: the delivery log with every attempt, redelivery (same
 * event, so the same webhook-id), a ping to test an endpoint; and the retention job for the outbox.
 * Every call is scoped to one app: another app's delivery id is simply not found.
 */
import type { Job } from '../jobs/job.ts';
import type { WebhookDeliveryStatus } from '../storage/schema.ts';
import type { RequeueResult, WebhookDeliveryRecord, WebhookRepository } from '../storage/webhook-repository.ts';
import { newEventId } from './webhook-event.ts';

const DAY_MS = 86_400_000;

export type DeliveryServiceOptions = {
  repository: WebhookRepository;
  now?: () => number;
};

export type ListDeliveriesOptions = { limit: number; status?: WebhookDeliveryStatus };

export type PingResult = { eventId: string; deliveryId: string };

export class DeliveryService {
  readonly #repository: WebhookRepository;
  readonly #now: () => number;

  constructor(options: DeliveryServiceOptions) {
    this.#repository = options.repository;
    this.#now = options.now ?? Date.now;
  }

  /** The app's deliveries, newest first (limit capped at 100), each with its attempts. */
  listDeliveries(appId: string, options: ListDeliveriesOptions): Promise<WebhookDeliveryRecord[]> {
    const limit = Math.min(100, Math.max(1, Math.floor(options.limit)));
    return this.#repository.listForApp(appId, { limit, ...(options.status ? { status: options.status } : {}) });
  }

  getDelivery(appId: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
    return this.#repository.findForApp(appId, deliveryId);
  }

  /**
   * Sends a delivered, failed or dead delivery again, at once and with a fresh retry schedule. It keeps
   * its event, so the receiver sees the same webhook-id. `already_queued`: it is pending or being sent.
   */
  redeliver(appId: string, deliveryId: string): Promise<RequeueResult> {
    return this.#repository.requeue(appId, deliveryId, this.#now());
  }

  /** Queues a `ping` event (data `{}`) for the app, to test its endpoint. Delivered like any event. */
  async enqueuePing(appId: string): Promise<PingResult> {
    const eventId = newEventId();
    const result = await this.#repository.enqueue({ id: eventId, appId, type: 'ping', guildId: null, payload: {}, now: this.#now() });
    if (!result.created) throw new Error(`event ${eventId} already exists`);
    return { eventId, deliveryId: result.deliveryId };
  }

  /** The retention job for the hub's scheduler (see `eventRetentionJob`). */
  eventRetentionJob(days = 30): Job {
    return eventRetentionJob(this.#repository, days);
  }
}

/** Deletes webhook events older than `days`, with their deliveries and attempts. */
export function eventRetentionJob(repository: WebhookRepository, days = 30): Job {
  return {
    name: 'webhook-event-retention',
    intervalMs: DAY_MS / 4,
    timeoutMs: 10 * 60_000,
    async run({ now, signal }) {
      const deleted = await repository.deleteEventsBefore(now - days * DAY_MS, { signal });
      return { summary: `deleted ${deleted} webhook events older than ${days} days` };
    },
  };
}
