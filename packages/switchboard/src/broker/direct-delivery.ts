/**
 * Sends one event to an app at once, within a budget, for the cases where a person is waiting (a button
 * click on the app's message, a mention for the assistant). The event goes into the outbox first, in the
 * same transaction that leases its delivery to this attempt; if the app does not answer in time, the
 * delivery is released to the workers, which retry it with the same webhook-id, so nothing is lost.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Tables } from '../storage/schema.ts';
import { deliveryIdOf, enqueueEvent, type WebhookRepository } from '../storage/webhook-repository.ts';
import type { AppRecord } from '../storage/app-repository.ts';
import type { AppRegistry } from './app-registry.ts';
import { appLiveness } from './app-status.ts';
import { checkCallbackUrl, systemResolver, type Resolver, type UrlPolicy } from './outgoing-url-policy.ts';
import { newEventId, webhookEventJson, type WebhookEventType } from './webhook-event.ts';
import { buildWebhookRequest } from './webhook-signer.ts';
import { pinnedHttpTransport, type WebhookTransport } from './webhook-transport.ts';

/** The most of an app's answer kept: an interaction response or an assistant reply. */
const ANSWER_BYTES_MAX = 64 * 1024;

export type DirectDeliveryOptions = {
  db: Kysely<Tables>;
  webhooks: WebhookRepository;
  apps: AppRegistry;
  urlPolicy: UrlPolicy;
  instanceId: string;
  logger: Logger;
  transport?: WebhookTransport;
  resolve?: Resolver;
  now?: () => number;
};

export type DirectResult = { eventId: string; answered: true; body: string } | { eventId: string; answered: false; reason: string };

export class DirectDelivery {
  readonly #options: DirectDeliveryOptions;

  constructor(options: DirectDeliveryOptions) {
    this.#options = options;
  }

  /** Records the event for the app and, when the app is reachable, posts it now and returns its answer. */
  async send(app: AppRecord, event: { type: WebhookEventType; guildId: string | null; data: unknown }, budgetMs: number): Promise<DirectResult> {
    const { db, webhooks, apps, instanceId, logger } = this.#options;
    const now = (this.#options.now ?? Date.now)();
    const eventId = newEventId();
    const deliveryId = deliveryIdOf(eventId);
    const reachable = appLiveness(app.lastHeartbeatAt, now) !== 'offline' && app.endpointDisabledAt === null;
    await db.transaction().execute(async (trx) => {
      await enqueueEvent(trx, { id: eventId, appId: app.id, type: event.type, guildId: event.guildId, payload: event.data, now });
      if (reachable) await webhooks.leaseNow(trx, deliveryId, instanceId, now + budgetMs + 5_000);
    });
    if (!reachable) return { eventId, answered: false, reason: 'the app is offline; the event waits for it' };

    const startedAt = (this.#options.now ?? Date.now)();
    let statusCode: number | null = null;
    let error: string | null = null;
    let body = '';
    try {
      const checked = await checkCallbackUrl(app.callbackUrl, this.#options.urlPolicy, this.#options.resolve ?? systemResolver);
      if (!checked.ok) throw new Error(`callback URL refused: ${checked.reason}`);
      const [current, previous] = apps.signingSecrets(app, startedAt);
      const request = buildWebhookRequest({
        webhookId: eventId,
        body: webhookEventJson({ id: eventId, type: event.type, appId: app.id, guildId: event.guildId, createdAt: now, data: JSON.stringify(event.data) }),
        secrets: { current: current!, previous: previous ?? null, previousExpiresAt: app.previousSecretExpiresAt },
        now: startedAt,
      });
      const answer = await (this.#options.transport ?? pinnedHttpTransport)({
        url: checked.url,
        addresses: checked.addresses,
        headers: request.headers,
        body: request.body,
        timeoutMs: budgetMs,
        keepBytes: ANSWER_BYTES_MAX,
      });
      statusCode = answer.status;
      body = answer.bodyExcerpt;
      if (answer.status < 200 || answer.status > 299) error = `the app answered ${answer.status}`;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    const finishedAt = (this.#options.now ?? Date.now)();
    await webhooks.finishAttempt({
      deliveryId,
      owner: instanceId,
      startedAt,
      durationMs: finishedAt - startedAt,
      statusCode,
      error,
      // A failed direct attempt goes back to the workers at once; their schedule takes over from there.
      outcome: error === null ? { status: 'delivered' } : { status: 'failed', nextAttemptAt: finishedAt },
    });
    if (error !== null) {
      logger.info({ app: app.id, eventId, type: event.type, error }, 'the app did not answer in time; its event stays queued');
      return { eventId, answered: false, reason: error };
    }
    return { eventId, answered: true, body };
  }
}
