/**
 * Sends queued webhooks. Every poll it leases due deliveries of apps that can take them (endpoint not
 * disabled, heartbeat recent: an offline app's deliveries simply wait), re-checks each callback URL
 * against the URL policy, signs and posts it, records the attempt, and decides what comes next:
 *
 * - 2xx: delivered; the app's endpoint is no longer failing;
 * - 410 Gone: the app has said it wants no more; its endpoint is disabled and the delivery is dead;
 * - anything else (other statuses, timeouts, network errors, a URL the policy refuses): the next attempt
 *   is scheduled by the retry schedule, or the delivery is dead when none is left. An endpoint that has
 *   failed without a single success for `disableAfterFailingMs` (5 days) is disabled.
 *
 * At most `concurrency` deliveries are in flight per worker and `perAppConcurrency` per app, so one slow
 * app cannot hold every slot. `stop()` stops polling and waits for the deliveries in flight (each is
 * bounded by the request timeout).
 *
 * The worker claims again as soon as a delivery finishes or `wake()` says something was queued, so that
 * work waiting never waits for a poll; the poll only finds what became due by time (retries, leases that
 * ran out, apps back online). Attempts that finish together are recorded in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SecretBox } from '../security/secret-box.ts';
import type { AttemptOutcome, ClaimedDelivery, FinishAttemptInput, WebhookRepository } from '../storage/webhook-repository.ts';
import { checkCallbackUrl, systemResolver, type Resolver, type UrlPolicy } from './outgoing-url-policy.ts';
import { MicroBatcher } from '../util/micro-batcher.ts';
import { afterFailedAttempt, type RetryScheduleOptions } from './retry-schedule.ts';
import { webhookEventJson } from './webhook-event.ts';
import { buildWebhookRequest, type SigningSecrets } from './webhook-signer.ts';
import { pinnedHttpTransport, type WebhookTransport } from './webhook-transport.ts';

const DAY_MS = 86_400_000;

/** Deliveries in flight on one worker, unless configured (`WEBHOOK_CONCURRENCY`). */
export const DEFAULT_DELIVERY_CONCURRENCY = 128;
/** Deliveries of one app in flight on all workers together, unless configured (`WEBHOOK_PER_APP_CONCURRENCY`). */
export const DEFAULT_PER_APP_CONCURRENCY = 64;
/** See `wakeDelayMs`. */
export const DEFAULT_WAKE_DELAY_MS = 2;
/** Attempts recorded together wait at most this long for others (see `MicroBatcher`). */
const FINISH_BATCH_WAIT_MS = 5;
/** Opened signing secrets kept in memory, at most (two per app during a rotation). */
const OPENED_SECRETS_KEPT = 1_000;

export type DeliveryWorkerOptions = {
  repository: WebhookRepository;
  /** Opens the apps' signing secrets. */
  secretBox: SecretBox;
  logger: Logger;
  /** Names this worker's leases (a random suffix keeps two workers of one instance apart). */
  instanceId: string;
  urlPolicy: UrlPolicy;
  /** Host name resolution for the URL check (default: the system's, all addresses). */
  resolve?: Resolver;
  /** Default: node:http(s) connecting only to the checked addresses. */
  transport?: WebhookTransport;
  /** The retry schedule; tests shrink it with `scale`. */
  retry?: RetryScheduleOptions;
  /** Deliveries in flight on this worker (default `DEFAULT_DELIVERY_CONCURRENCY`). */
  concurrency?: number;
  /** Deliveries of one app in flight, on all workers together (default `DEFAULT_PER_APP_CONCURRENCY`). */
  perAppConcurrency?: number;
  /** Per request, answer included (default 10 s). */
  timeoutMs?: number;
  /** How long a claimed delivery stays leased (default: the timeout plus a minute). */
  leaseMs?: number;
  /** How often to look for due deliveries when idle (default 1 s). */
  pollIntervalMs?: number;
  /**
   * How long a wake (something queued, a delivery finished) waits for others before claiming (default
   * `DEFAULT_WAKE_DELAY_MS`): one claim for what a few milliseconds brought rather than one per event.
   */
  wakeDelayMs?: number;
  /** An app whose last heartbeat is older than this is offline; its deliveries wait (default 5 min). */
  offlineAfterMs?: number;
  /** Disable an endpoint that has failed continuously for this long (default 5 days). */
  disableAfterFailingMs?: number;
  now?: () => number;
  /** Told of every attempt, for metrics. */
  onAttempt?: (report: AttemptReport) => void;
};

export type AttemptReport = {
  deliveryId: string;
  appId: string;
  eventType: string;
  /** `retrying`: failed with an attempt left; `dead`: failed with none left; `endpoint_gone`: 410. */
  outcome: 'delivered' | 'retrying' | 'dead' | 'endpoint_gone';
  statusCode: number | null;
  error: string | null;
  durationMs: number;
};

function spanOf(ms: number): string {
  if (ms >= DAY_MS) return `${Number((ms / DAY_MS).toFixed(1))} days`;
  if (ms >= 3_600_000) return `${Number((ms / 3_600_000).toFixed(1))} hours`;
  return `${Math.round(ms / 1_000)} seconds`;
}

type AttemptResult = { statusCode: number | null; error: string | null };

export class DeliveryWorker {
  readonly #options: DeliveryWorkerOptions;
  readonly #owner: string;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  /** When `#timer` fires (`performance.now()` time). */
  #timerDueAt = 0;
  #ticking: Promise<void> | undefined;
  #started = false;
  #stopping = false;
  /** A delivery finished, or one was queued, while a claim was running: claim again right after it. */
  #wakePending = false;
  /** Attempts that finish together are recorded in one transaction. */
  readonly #finishes: MicroBatcher<FinishAttemptInput, boolean>;
  /** Apps whose endpoint answered 2xx, noted once per app however many deliveries of it finished together. */
  readonly #successes: MicroBatcher<string, undefined>;
  /**
   * Deliveries whose attempt is over but not yet recorded (waiting for the batch of finished attempts),
   * per app. They no longer take a slot: the next claim need not wait for the record.
   */
  readonly #settling = new Map<string, number>();
  /** Opened signing secrets by app, column and sealed value (see `#opened`). */
  readonly #openedSecrets = new Map<string, string>();

  constructor(options: DeliveryWorkerOptions) {
    this.#options = options;
    this.#owner = `${options.instanceId}/webhooks/${randomUUID().slice(0, 8)}`;
    this.#finishes = new MicroBatcher({ flush: (inputs) => options.repository.finishAttempts(inputs), maxWaitMs: FINISH_BATCH_WAIT_MS });
    this.#successes = new MicroBatcher({
      flush: async (appIds) => {
        for (const appId of new Set(appIds)) await options.repository.noteEndpointSuccess(appId);
        return appIds.map(() => undefined);
      },
    });
  }

  get #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  get #concurrency(): number {
    return this.#options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY;
  }

  get #timeoutMs(): number {
    return this.#options.timeoutMs ?? 10_000;
  }

  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops polling and waits for the deliveries in flight. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Claims what is due now and sends it, resolving when those deliveries are done. Returns how many. */
  async runOnce(): Promise<number> {
    const started = await this.#claimAndLaunch();
    await Promise.allSettled(started);
    return started.length;
  }

  /** Claims after `delayMs`, unless a claim is already due sooner (so that a stream of wakes cannot keep postponing it). */
  #schedule(delayMs: number): void {
    if (this.#stopping) return;
    const dueAt = performance.now() + delayMs;
    if (this.#timer && this.#timerDueAt <= dueAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerDueAt = dueAt;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
      });
    }, delayMs);
  }

  async #tick(): Promise<void> {
    let claimed = 0;
    this.#wakePending = false;
    try {
      claimed = (await this.#claimAndLaunch()).length;
    } catch (error) {
      this.#options.logger.error({ err: error }, 'could not claim webhook deliveries; will try again');
    }
    const free = this.#free;
    // Found work and still has room: look again soon. Otherwise poll, or be woken by a finishing delivery.
    this.#schedule((claimed > 0 || this.#wakePending) && free > 0 ? this.#wakeDelayMs : (this.#options.pollIntervalMs ?? 1_000));
  }

  /**
   * Claims again now rather than at the next poll: a delivery finished, freeing a slot (and maybe its
   * app's), or something was queued (the broker calls this after writing events to the outbox).
   */
  wake(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#ticking) this.#wakePending = true;
    else this.#schedule(this.#wakeDelayMs);
  }

  get #wakeDelayMs(): number {
    return this.#options.wakeDelayMs ?? DEFAULT_WAKE_DELAY_MS;
  }

  /**
   * Slots for new deliveries: those whose attempt is over do not count, but no more than twice the
   * concurrency are held in memory while their records wait (a slow database must not let them pile up).
   */
  get #free(): number {
    const concurrency = this.#concurrency;
    let settling = 0;
    for (const count of this.#settling.values()) settling += count;
    return Math.min(concurrency - (this.#inFlight.size - settling), 2 * concurrency - this.#inFlight.size);
  }

  async #claimAndLaunch(): Promise<Promise<void>[]> {
    const free = this.#free;
    if (free <= 0 || this.#stopping) return [];
    const now = this.#now;
    const claimed = await this.#options.repository.claimDue({
      owner: this.#owner,
      now,
      leaseUntil: now + (this.#options.leaseMs ?? this.#timeoutMs + 60_000),
      limit: free,
      perAppLimit: this.#options.perAppConcurrency ?? DEFAULT_PER_APP_CONCURRENCY,
      onlineSince: now - (this.#options.offlineAfterMs ?? 300_000),
      settling: this.#settling,
    });
    return claimed.map((delivery) => {
      const promise = this.#deliver(delivery)
        .catch((error: unknown) =>
          // The lease runs out and the delivery is tried again: at least once, never lost.
          this.#options.logger.error({ err: error, deliveryId: delivery.id, appId: delivery.appId }, 'could not record a webhook attempt'),
        )
        .finally(() => {
          this.#inFlight.delete(promise);
          this.wake();
        });
      this.#inFlight.add(promise);
      return promise;
    });
  }

  async #deliver(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = this.#now;
    const clock = performance.now();
    const result = await this.#attempt(delivery);
    const durationMs = Math.max(0, Math.round(performance.now() - clock));
    const status = result.statusCode;
    let outcome: AttemptOutcome;
    let reported: AttemptReport['outcome'];
    if (status !== null && status >= 200 && status < 300) {
      outcome = { status: 'delivered' };
      reported = 'delivered';
    } else if (status === 410) {
      outcome = { status: 'dead' };
      reported = 'endpoint_gone';
    } else {
      const decision = afterFailedAttempt(delivery.attempts + 1, this.#options.retry);
      outcome = decision.retry ? { status: 'failed', nextAttemptAt: this.#now + decision.delayMs } : { status: 'dead' };
      reported = decision.retry ? 'retrying' : 'dead';
    }
    this.#settle(delivery.appId, 1);
    let kept: boolean;
    try {
      kept = await this.#finishes.add({
        deliveryId: delivery.id,
        owner: this.#owner,
        startedAt,
        durationMs,
        statusCode: status,
        error: result.error,
        outcome,
      });
    } finally {
      this.#settle(delivery.appId, -1);
    }
    const fields = { deliveryId: delivery.id, appId: delivery.appId, webhookId: delivery.event.id, statusCode: status, durationMs };
    if (!kept) this.#options.logger.warn(fields, 'a webhook delivery lease was lost before its attempt was recorded');
    else if (reported === 'dead') this.#options.logger.warn({ ...fields, error: result.error }, 'a webhook delivery ran out of attempts and is dead');
    else this.#options.logger.debug({ ...fields, outcome: reported, error: result.error }, 'webhook attempt made');
    this.#options.onAttempt?.({ deliveryId: delivery.id, appId: delivery.appId, eventType: delivery.event.type, outcome: reported, statusCode: status, error: result.error, durationMs });
    await this.#updateEndpointHealth(delivery.appId, reported);
  }

  /** Counts a delivery of `appId` as settling (+1) or no longer (−1); a slot freed wakes the worker. */
  #settle(appId: string, change: 1 | -1): void {
    const count = (this.#settling.get(appId) ?? 0) + change;
    if (count > 0) this.#settling.set(appId, count);
    else this.#settling.delete(appId);
    if (change > 0) this.wake();
  }

  /** One try: check the URL, sign, post. Never throws: every failure becomes the attempt's error. */
  async #attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const { urlPolicy, resolve = systemResolver, transport = pinnedHttpTransport } = this.#options;
    try {
      const check = await checkCallbackUrl(delivery.app.callbackUrl, urlPolicy, resolve);
      if (!check.ok) return { statusCode: null, error: `not sent: ${check.reason}` };
      let secrets: SigningSecrets;
      try {
        secrets = this.#secretsOf(delivery);
      } catch (error) {
        this.#options.logger.error({ err: error, appId: delivery.appId }, "an app's signing secret could not be decrypted");
        return { statusCode: null, error: `not sent: the app's signing secret could not be decrypted (${error instanceof Error ? error.message : String(error)})` };
      }
      const request = buildWebhookRequest({
        webhookId: delivery.event.id,
        body: webhookEventJson({ id: delivery.event.id, type: delivery.event.type, appId: delivery.appId, guildId: delivery.event.guildId, createdAt: delivery.event.createdAt, data: delivery.event.payload }),
        secrets,
        now: this.#now,
      });
      const answer = await transport({ url: check.url, addresses: check.addresses, headers: request.headers, body: request.body, timeoutMs: this.#timeoutMs });
      if (answer.status >= 200 && answer.status < 300) return { statusCode: answer.status, error: null };
      const excerpt = answer.bodyExcerpt.trim().slice(0, 200);
      return { statusCode: answer.status, error: `the endpoint answered ${answer.status}${excerpt ? `: ${excerpt}` : ''}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
      const message = error instanceof Error ? error.message : String(error);
      return { statusCode: null, error: typeof cause === 'string' && !message.includes(cause) ? `${message} (${cause})` : message };
    }
  }

  #secretsOf(delivery: ClaimedDelivery): SigningSecrets {
    const { app, appId } = delivery;
    const current = this.#opened(app.signingSecret, appId, 'signing_secret');
    const graceOver = app.previousSecretExpiresAt === null || app.previousSecretExpiresAt <= this.#now;
    if (app.previousSigningSecret === null || graceOver) return { current, previous: null, previousExpiresAt: null };
    return { current, previous: this.#openPrevious(app.previousSigningSecret, appId), previousExpiresAt: app.previousSecretExpiresAt };
  }

  /**
   * The rotated-out secret. It is sealed either for its own column, or — when a rotation moved the sealed
   * value from `signing_secret` without sealing it again — for `signing_secret` of the same row; both are
   * accepted. One that opens neither way is left out (the current secret still signs) and logged.
   */
  #openPrevious(sealed: string, appId: string): string | null {
    const { logger } = this.#options;
    for (const column of ['previous_signing_secret', 'signing_secret']) {
      try {
        return this.#opened(sealed, appId, column);
      } catch {
        // try the other place
      }
    }
    logger.warn({ appId }, "an app's previous signing secret could not be decrypted; signing with the current one only");
    return null;
  }

  /**
   * A sealed secret opened, from memory when this very sealed value was opened before: decrypting it for
   * every delivery was a tenth of the worker's time. A rotation seals a new value, so nothing goes stale.
   */
  #opened(sealed: string, appId: string, column: string): string {
    const key = `${appId}\n${column}\n${sealed}`;
    const known = this.#openedSecrets.get(key);
    if (known !== undefined) return known;
    const plain = this.#options.secretBox.decrypt(sealed, { table: 'apps', column, rowId: appId });
    if (this.#openedSecrets.size >= OPENED_SECRETS_KEPT) this.#openedSecrets.delete(this.#openedSecrets.keys().next().value!);
    this.#openedSecrets.set(key, plain);
    return plain;
  }

  async #updateEndpointHealth(appId: string, outcome: AttemptReport['outcome']): Promise<void> {
    const { repository, logger } = this.#options;
    const now = this.#now;
    if (outcome === 'delivered') {
      await this.#successes.add(appId);
      return;
    }
    if (outcome === 'endpoint_gone') {
      if (await repository.disableEndpoint(appId, now, 'the endpoint answered 410 Gone')) {
        logger.warn({ appId, notice: 'webhook_endpoint_disabled' }, "an app's webhook endpoint answered 410 Gone: it is disabled and its deliveries wait");
      }
      return;
    }
    const failingSince = await repository.noteEndpointFailure(appId, now);
    const limit = this.#options.disableAfterFailingMs ?? 5 * DAY_MS;
    if (failingSince === null || now - failingSince < limit) return;
    const since = new Date(failingSince).toISOString();
    if (await repository.disableEndpoint(appId, now, `every delivery has failed since ${since}`)) {
      logger.warn(
        { appId, failingSince: since, notice: 'webhook_endpoint_disabled' },
        `an app's webhook endpoint has failed continuously for ${spanOf(limit)}: it is disabled and its deliveries wait`,
      );
    }
  }
}
