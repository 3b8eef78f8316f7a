/**
 * The webhook outbox: events routed to apps, their deliveries and the attempts made.
 *
 * Enqueueing writes the event and its delivery in the caller's transaction, so that whoever records a
 * Discord event for an app can commit both or neither. Workers claim due deliveries by taking a lease:
 * on PostgreSQL with `select … for update skip locked` in a transaction (two workers never get the same
 * row), on SQLite with one conditional `update … returning`, which SQLite runs alone. A worker that dies
 * leaves `delivering` rows whose lease runs out; `next_attempt_at` is set to the lease's end when
 * claiming, so such rows become due again by the same index as everything else.
 *
 * A claim takes at most `perAppLimit` deliveries of an app, counting those the app already has in
 * flight on any worker, so that one slow app cannot occupy every slot. On PostgreSQL two claims at the
 * same instant do not see each other's uncommitted leases and may together exceed that limit briefly
 * (so may two processes sharing one SQLite file). A worker's deliveries whose attempt is over but not yet
 * recorded do not count (`settling`); one recorded while a claim counts may be missed by that count and
 * let the claim exceed the limit by as many.
 *
 * Many events are enqueued with one multi-row insert per table (`enqueueEvents`), and many finished
 * attempts recorded in one transaction (`finishAttempts`): a transaction costs about the same whether it
 * holds one row or a hundred.
 */
import { sql, type Kysely, type ExpressionBuilder } from 'kysely';
import type { Dialect } from './database.ts';
import type { Tables, WebhookAttemptsTable, WebhookDeliveriesTable, WebhookDeliveryStatus } from './schema.ts';
import { padToPowerOfTwo, powerOfTwoChunks } from '../util/statement-shapes.ts';

export type EnqueueEventInput = {
  /** The event id, sent as `webhook-id` (see `newEventId()`); enqueueing the same id again does nothing. */
  id: string;
  appId: string;
  /** An event type of the webhook body (`message.create`, …, `ping`). */
  type: string;
  guildId: string | null;
  /** The event's `data`; stored as JSON. */
  payload: unknown;
  now: number;
};

export type EnqueueResult = { created: true; eventId: string; deliveryId: string } | { created: false; eventId: string };

/** The delivery id of an event: derived, so that it is known without a read. */
export function deliveryIdOf(eventId: string): string {
  return `dlv_${eventId.replace(/^evt_/, '')}`;
}

/**
 * Records an event for an app and queues its delivery, in `db` — a `Transaction` of the caller's, or the
 * database itself. The delivery is due at once.
 */
export async function enqueueEvent(db: Kysely<Tables>, input: EnqueueEventInput): Promise<EnqueueResult> {
  const [result] = await enqueueEvents(db, [input]);
  return result!;
}

/**
 * `enqueueEvent` for many events at once, with a few multi-row inserts per table (chunks of
 * `powerOfTwoChunks`, so that the statements stay prepared), one result per input in order. Run it in a
 * transaction to commit all or none.
 */
export async function enqueueEvents(db: Kysely<Tables>, inputs: readonly EnqueueEventInput[]): Promise<EnqueueResult[]> {
  const created = new Set<string>();
  // One Discord event routed to several apps is one object: serialise it once.
  const texts = new Map<unknown, string>();
  const textOf = (payload: unknown): string => {
    let text = texts.get(payload);
    if (text === undefined) texts.set(payload, (text = JSON.stringify(payload ?? {})));
    return text;
  };
  for (const chunk of powerOfTwoChunks(inputs)) {
    const inserted = await db
      .insertInto('webhook_events')
      .values(
        chunk.map((input) => ({
          id: input.id,
          app_id: input.appId,
          type: input.type,
          guild_id: input.guildId,
          payload: textOf(input.payload),
          created_at: input.now,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    if (inserted.length === 0) continue;
    const fresh = new Set(inserted.map((row) => row.id));
    const deliveries = chunk.filter((input) => fresh.delete(input.id));
    for (const rows of powerOfTwoChunks(deliveries)) {
      await db
        .insertInto('webhook_deliveries')
        .values(
          rows.map((input) => ({
            id: deliveryIdOf(input.id),
            event_id: input.id,
            app_id: input.appId,
            status: 'pending' as const,
            attempts: 0,
            next_attempt_at: input.now,
            lease_owner: null,
            lease_expires_at: null,
            last_status_code: null,
            last_error: null,
            delivered_at: null,
            created_at: input.now,
          })),
        )
        .execute();
    }
    for (const input of deliveries) created.add(input.id);
  }
  // An id given twice is created by its first occurrence only.
  return inputs.map((input) =>
    created.delete(input.id) ? { created: true, eventId: input.id, deliveryId: deliveryIdOf(input.id) } : { created: false, eventId: input.id },
  );
}

/** A leased delivery with what is needed to send it. Secrets are still sealed. */
export type ClaimedDelivery = {
  id: string;
  appId: string;
  /** Attempts made since the delivery was (re)queued. */
  attempts: number;
  event: { id: string; type: string; guildId: string | null; payload: string; createdAt: number };
  app: {
    callbackUrl: string;
    signingSecret: string;
    previousSigningSecret: string | null;
    previousSecretExpiresAt: number | null;
  };
};

export type ClaimRequest = {
  owner: string;
  now: number;
  leaseUntil: number;
  limit: number;
  /** At most this many deliveries of one app in flight. */
  perAppLimit: number;
  /** Only apps whose last heartbeat is at or after this time (ms) are delivered to. */
  onlineSince: number;
  /**
   * Per app, the claimer's deliveries whose attempt is over but not yet recorded: they are still
   * `delivering` in the database, but no longer in flight, so they do not count against `perAppLimit`.
   */
  settling?: ReadonlyMap<string, number>;
};

export type AttemptOutcome =
  | { status: 'delivered' }
  | { status: 'failed'; nextAttemptAt: number }
  | { status: 'dead' };

export type FinishAttemptInput = {
  deliveryId: string;
  owner: string;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  outcome: AttemptOutcome;
};

export type WebhookAttemptRecord = {
  attempt: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
};

export type WebhookDeliveryRecord = {
  id: string;
  eventId: string;
  eventType: string;
  appId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due; null unless pending or failed. */
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  createdAt: number;
  /** Every attempt, oldest first. */
  attemptLog: WebhookAttemptRecord[];
};

export type RequeueResult =
  | { ok: true; delivery: WebhookDeliveryRecord }
  | { ok: false; reason: 'not_found' | 'already_queued' };

const WAITING: readonly WebhookDeliveryStatus[] = ['pending', 'failed'];

function toAttempt(row: WebhookAttemptsTable): WebhookAttemptRecord {
  return { attempt: row.attempt, startedAt: row.started_at, durationMs: row.duration_ms, statusCode: row.status_code, error: row.error };
}

function toRecord(row: WebhookDeliveriesTable & { event_type: string }, attempts: WebhookAttemptRecord[]): WebhookDeliveryRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    appId: row.app_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: WAITING.includes(row.status) ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    attemptLog: attempts,
  };
}

type DeliveryScope = ExpressionBuilder<Tables & { d: WebhookDeliveriesTable }, 'd'>;

/**
 * Waiting or leased: the condition of the partial index `webhook_deliveries_claimable` (migration 0016),
 * written with literals exactly as there, so that both databases see that a query with it may use the index.
 */
const CLAIMABLE = sql<boolean>`d.status in ('pending', 'failed', 'delivering')`;

/** Due: waiting and its time has come, or leased by a worker whose lease has run out. */
function isDue(eb: DeliveryScope, now: number) {
  return eb.and([
    CLAIMABLE,
    eb('d.next_attempt_at', '<=', now),
    eb.or([eb('d.status', '!=', 'delivering'), eb('d.lease_expires_at', 'is', null), eb('d.lease_expires_at', '<=', now)]),
  ]);
}

/** An app that may be sent to, with how many more of its deliveries may be in flight. */
type AppWithRoom = { id: string; room: number };

export class WebhookRepository {
  readonly #db: Kysely<Tables>;
  readonly #dialect: Dialect;

  constructor(db: Kysely<Tables>, dialect: Dialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  enqueue(input: EnqueueEventInput): Promise<EnqueueResult> {
    return enqueueEvent(this.#db, input);
  }

  /**
   * Leases up to `limit` due deliveries of online, enabled apps to `owner`, earliest first, at most
   * `perAppLimit` per app counting what it already has in flight.
   *
   * Each app's earliest due rows are read through the `webhook_deliveries_claimable` index, so a claim
   * costs about `limit` index reads whatever the backlog. (Ranking every due delivery with a window
   * function instead cost a sort of the whole backlog per claim: ~17 ms with 20,000 waiting on SQLite.)
   */
  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (request.limit <= 0) return [];
    const lease = { status: 'delivering' as const, lease_owner: request.owner, lease_expires_at: request.leaseUntil, next_attempt_at: request.leaseUntil };
    let ids: string[];
    if (this.#dialect === 'postgres') {
      ids = await this.#db.transaction().execute(async (trx) => {
        const apps = await this.#appsWithRoom(trx, request);
        if (apps.length === 0) return [];
        const locked = await trx
          .selectFrom('webhook_deliveries as d')
          .select('d.id')
          .where('d.id', 'in', this.#earliestDue(trx, apps, request).select('c.id'))
          .where((eb) => isDue(eb, request.now))
          .orderBy('d.next_attempt_at')
          .orderBy('d.id')
          .limit(request.limit)
          .forUpdate()
          .skipLocked()
          .execute();
        if (locked.length === 0) return [];
        const rows = await trx
          .updateTable('webhook_deliveries')
          .set(lease)
          .where('id', 'in', locked.map((row) => row.id))
          .returning('id')
          .execute();
        return rows.map((row) => row.id);
      });
    } else {
      // In one transaction: on SQLite it holds the only connection, so no other claim of this process
      // runs between counting an app's deliveries in flight and leasing more of them.
      ids = await this.#db.transaction().execute(async (trx) => {
        const apps = await this.#appsWithRoom(trx, request);
        if (apps.length === 0) return [];
        const picked = this.#earliestDue(trx, apps, request).select('c.id').orderBy('c.next_attempt_at').orderBy('c.id').limit(request.limit);
        // One statement picks and leases, so the rows picked are still due when updated. (Repeating the
        // due condition here would make SQLite walk every due row instead of the few ids picked.)
        const rows = await trx.updateTable('webhook_deliveries').set(lease).where('id', 'in', picked).returning('id').execute();
        return rows.map((row) => row.id);
      });
    }
    return this.#claimedDetails(ids);
  }

  /**
   * Online, enabled apps with something due and room for more in flight, the longest waiting first: at
   * most `limit` of them, since each gets at least one delivery of a claim of `limit`.
   */
  async #appsWithRoom(db: Kysely<Tables>, request: ClaimRequest): Promise<AppWithRoom[]> {
    const rows = await db
      .selectFrom('apps as a')
      .select((eb) => [
        'a.id',
        eb
          .selectFrom('webhook_deliveries as d')
          .select((inner) => inner.fn.min('d.next_attempt_at').as('due'))
          .whereRef('d.app_id', '=', 'a.id')
          .where(CLAIMABLE)
          .where('d.next_attempt_at', '<=', request.now)
          .as('oldest_due'),
        eb
          .selectFrom('webhook_deliveries as busy')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('busy.app_id', '=', 'a.id')
          .where('busy.status', '=', 'delivering')
          .where('busy.lease_expires_at', '>', request.now)
          .as('in_flight'),
      ])
      .where('a.endpoint_disabled_at', 'is', null)
      .where('a.last_heartbeat_at', 'is not', null)
      .where('a.last_heartbeat_at', '>=', request.onlineSince)
      .execute();
    const inFlight = (row: { id: string; in_flight: number | null }) => Number(row.in_flight ?? 0) - (request.settling?.get(row.id) ?? 0);
    return rows
      .filter((row) => row.oldest_due !== null && inFlight(row) < request.perAppLimit)
      .sort((x, y) => Number(x.oldest_due) - Number(y.oldest_due) || (x.id < y.id ? -1 : 1))
      .slice(0, request.limit)
      .map((row) => ({ id: row.id, room: Math.min(request.limit, request.perAppLimit - inFlight(row)) }));
  }

  /** Each app's earliest due deliveries (as many as it has room for), as one `c(id, next_attempt_at)`. */
  #earliestDue(db: Kysely<Tables>, apps: readonly AppWithRoom[], request: ClaimRequest) {
    const ofApp = (app: AppWithRoom) =>
      db
        .selectFrom(
          db
            .selectFrom('webhook_deliveries as d')
            .select(['d.id', 'd.next_attempt_at'])
            .where('d.app_id', '=', app.id)
            .where((eb) => isDue(eb, request.now))
            .orderBy('d.next_attempt_at')
            .orderBy('d.id')
            .limit(app.room)
            .as('e'),
        )
        .select(['e.id', 'e.next_attempt_at']);
    const [first, ...rest] = apps.map(ofApp);
    let union = first!;
    for (const next of rest) union = union.unionAll(next);
    return db.selectFrom(union.as('c'));
  }

  async #claimedDetails(ids: string[]): Promise<ClaimedDelivery[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .innerJoin('apps as a', 'a.id', 'd.app_id')
      .select([
        'd.id',
        'd.app_id',
        'd.attempts',
        'd.next_attempt_at',
        'e.id as event_id',
        'e.type',
        'e.guild_id',
        'e.payload',
        'e.created_at',
        'a.callback_url',
        'a.signing_secret',
        'a.previous_signing_secret',
        'a.previous_secret_expires_at',
      ])
      .where('d.id', 'in', padToPowerOfTwo(ids))
      .orderBy('d.created_at')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      appId: row.app_id,
      attempts: row.attempts,
      event: { id: row.event_id, type: row.type, guildId: row.guild_id, payload: row.payload, createdAt: row.created_at },
      app: {
        callbackUrl: row.callback_url,
        signingSecret: row.signing_secret,
        previousSigningSecret: row.previous_signing_secret,
        previousSecretExpiresAt: row.previous_secret_expires_at,
      },
    }));
  }

  /**
   * Records an attempt and its outcome, releasing the lease — only while `owner` still holds it. False
   * when the lease was lost (it ran out and another worker took the delivery, or the event was deleted).
   */
  /**
   * Takes the lease of a just-enqueued delivery for an attempt made at once (an interaction forwarded with
   * a short budget), in the same transaction as the enqueue, so that no worker claims it meanwhile.
   */
  async leaseNow(trx: Kysely<Tables>, deliveryId: string, owner: string, leaseUntil: number): Promise<void> {
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'delivering', lease_owner: owner, lease_expires_at: leaseUntil, next_attempt_at: leaseUntil })
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      .execute();
  }

  async finishAttempt(input: FinishAttemptInput): Promise<boolean> {
    const [kept] = await this.finishAttempts([input]);
    return kept!;
  }

  /**
   * `finishAttempt` for many attempts in one transaction (one commit instead of one per delivery); one
   * answer per input, in order.
   */
  async finishAttempts(inputs: readonly FinishAttemptInput[]): Promise<boolean[]> {
    if (inputs.length === 0) return [];
    return this.#db.transaction().execute(async (trx) => {
      const kept = await this.#releaseAll(trx, inputs);
      const logged = inputs.filter((_, index) => kept[index]);
      for (const chunk of powerOfTwoChunks(logged)) {
        // Each attempt numbered after those already logged for its delivery (a delivery appears once: its lease is released above).
        await trx
          .insertInto('webhook_attempts')
          .values(
            chunk.map((input) => ({
              delivery_id: input.deliveryId,
              attempt: trx
                .selectFrom('webhook_attempts')
                .select(sql<number>`coalesce(max(attempt), 0) + 1`.as('next'))
                .where('delivery_id', '=', input.deliveryId),
              started_at: input.startedAt,
              duration_ms: input.durationMs,
              status_code: input.statusCode,
              error: input.error,
            })),
          )
          .execute();
      }
      return kept;
    });
  }

  /**
   * Records each outcome on its delivery and releases the lease, where the input's `owner` still holds it:
   * a few `update … from (values …)` (chunks of `powerOfTwoChunks`) rather than one statement per attempt (each built by
   * Kysely and run on the event loop). `delivered_at` is set only when delivered and `next_attempt_at`
   * only when failed; otherwise both keep their value. One answer per input, in order; a delivery given
   * twice is recorded by its first occurrence only, as a second would find its lease already released.
   */
  async #releaseAll(trx: Kysely<Tables>, inputs: readonly FinishAttemptInput[]): Promise<boolean[]> {
    const released = new Set<string>();
    const seen = new Set<string>();
    const unique = inputs.filter((input) => !seen.has(input.deliveryId) && seen.add(input.deliveryId));
    for (const chunk of powerOfTwoChunks(unique)) {
      const rows = chunk.map(({ deliveryId, owner, outcome, statusCode, error, startedAt, durationMs }) => {
        const nextAttemptAt = outcome.status === 'failed' ? outcome.nextAttemptAt : null;
        const deliveredAt = outcome.status === 'delivered' ? startedAt + durationMs : null;
        // Typed, so that PostgreSQL does not take the parameters for text.
        return sql`(cast(${deliveryId} as text), cast(${owner} as text), cast(${outcome.status} as text), cast(${nextAttemptAt} as bigint), cast(${statusCode} as integer), cast(${error} as text), cast(${deliveredAt} as bigint))`;
      });
      const result = await sql<{ id: string }>`
        with v(id, owner, status, next_attempt_at, status_code, error, delivered_at) as (values ${sql.join(rows)})
        update webhook_deliveries set
          status = v.status,
          attempts = webhook_deliveries.attempts + 1,
          lease_owner = null,
          lease_expires_at = null,
          last_status_code = v.status_code,
          last_error = v.error,
          delivered_at = coalesce(v.delivered_at, webhook_deliveries.delivered_at),
          next_attempt_at = coalesce(v.next_attempt_at, webhook_deliveries.next_attempt_at)
        from v
        where webhook_deliveries.id = v.id and webhook_deliveries.status = 'delivering' and webhook_deliveries.lease_owner = v.owner
        returning webhook_deliveries.id`.execute(trx);
      for (const row of result.rows) released.add(row.id);
    }
    return inputs.map((input) => released.delete(input.deliveryId));
  }

  /** Notes a failed attempt of the app's endpoint; returns since when it has been failing. */
  async noteEndpointFailure(appId: string, now: number): Promise<number | null> {
    const row = await this.#db
      .updateTable('apps')
      .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(now)) }))
      .where('id', '=', appId)
      .returning('failing_since')
      .executeTakeFirst();
    return row?.failing_since ?? null;
  }

  /** Notes a successful delivery: the endpoint is no longer failing. */
  async noteEndpointSuccess(appId: string): Promise<void> {
    await this.#db.updateTable('apps').set({ failing_since: null }).where('id', '=', appId).where('failing_since', 'is not', null).execute();
  }

  /** Stops deliveries to the app's endpoint. True when this call disabled it (it was enabled). */
  async disableEndpoint(appId: string, now: number, reason: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('apps')
      .set({ endpoint_disabled_at: now, endpoint_disabled_reason: reason, updated_at: now })
      .where('id', '=', appId)
      .where('endpoint_disabled_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The app's deliveries, newest first, each with its attempts. */
  async listForApp(appId: string, options: { limit: number; status?: WebhookDeliveryStatus }): Promise<WebhookDeliveryRecord[]> {
    let query = this.#db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .selectAll('d')
      .select('e.type as event_type')
      .where('d.app_id', '=', appId);
    if (options.status) query = query.where('d.status', '=', options.status);
    const rows = await query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(options.limit).execute();
    const attempts = await this.#attemptsOf(rows.map((row) => row.id));
    return rows.map((row) => toRecord(row, attempts.get(row.id) ?? []));
  }

  async findForApp(appId: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.#db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .selectAll('d')
      .select('e.type as event_type')
      .where('d.app_id', '=', appId)
      .where('d.id', '=', deliveryId)
      .executeTakeFirst();
    if (!row) return undefined;
    const attempts = await this.#attemptsOf([row.id]);
    return toRecord(row, attempts.get(row.id) ?? []);
  }

  async #attemptsOf(deliveryIds: string[]): Promise<Map<string, WebhookAttemptRecord[]>> {
    const byDelivery = new Map<string, WebhookAttemptRecord[]>();
    if (deliveryIds.length === 0) return byDelivery;
    const rows = await this.#db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('delivery_id')
      .orderBy('attempt')
      .execute();
    for (const row of rows) {
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push(toAttempt(row));
      byDelivery.set(row.delivery_id, list);
    }
    return byDelivery;
  }

  /**
   * Queues a finished delivery (delivered, failed or dead) of the app again, due at once, with a fresh
   * retry schedule; it keeps its event, so the webhook-id stays the same.
   */
  async requeue(appId: string, deliveryId: string, now: number): Promise<RequeueResult> {
    const updated = await this.#db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, lease_owner: null, lease_expires_at: null })
      .where('id', '=', deliveryId)
      .where('app_id', '=', appId)
      .where('status', 'in', ['delivered', 'failed', 'dead'])
      .executeTakeFirst();
    const delivery = await this.findForApp(appId, deliveryId);
    if (!delivery) return { ok: false, reason: 'not_found' };
    if (Number(updated.numUpdatedRows) !== 1) return { ok: false, reason: 'already_queued' };
    return { ok: true, delivery };
  }

  /** Deletes events created before the cutoff, with their deliveries and attempts, in batches. */
  async deleteEventsBefore(cutoff: number, options: { batchSize?: number; signal?: AbortSignal } = {}): Promise<number> {
    const batchSize = options.batchSize ?? 1_000;
    let deleted = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const batch = this.#db.selectFrom('webhook_events').select('id').where('created_at', '<', cutoff).limit(batchSize);
      const result = await this.#db.deleteFrom('webhook_events').where('id', 'in', batch).executeTakeFirst();
      const count = Number(result.numDeletedRows);
      deleted += count;
      if (count < batchSize) return deleted;
    }
  }

  /** How many deliveries are in each status (for metrics and the overview). */
  async countByStatus(): Promise<Record<WebhookDeliveryStatus, number>> {
    const rows = await this.#db
      .selectFrom('webhook_deliveries')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const counts: Record<WebhookDeliveryStatus, number> = { pending: 0, delivering: 0, delivered: 0, failed: 0, dead: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }
}
