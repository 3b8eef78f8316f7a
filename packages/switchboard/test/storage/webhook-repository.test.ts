import assert from 'node:assert/strict';
import { WebhookRepository, enqueueEvent, enqueueEvents, type ClaimRequest } from '../../src/storage/webhook-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { insertTestApp, testSecretBox } from '../support/webhook-apps.ts';

const NOW = 1_000_000;
const box = testSecretBox();

function claim(overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return { owner: 'w1', now: NOW, leaseUntil: NOW + 30_000, limit: 10, perAppLimit: 100, onlineSince: 0, ...overrides };
}

describeEachDatabase('webhook repository', ({ it, dialect, open, openAgain }) => {
  it("enqueues the event and its delivery in the caller's transaction", async () => {
    const database = await open();
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: 'https://x.example/' });
    await assert.rejects(
      database.db.transaction().execute(async (trx) => {
        await enqueueEvent(trx, { id: 'evt_rolled_back', appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW });
        throw new Error('the router failed after enqueueing');
      }),
      /router failed/,
    );
    assert.equal((await database.db.selectFrom('webhook_events').selectAll().execute()).length, 0);
    assert.equal((await database.db.selectFrom('webhook_deliveries').selectAll().execute()).length, 0);

    const result = await database.db.transaction().execute((trx) =>
      enqueueEvent(trx, { id: 'evt_kept', appId: 'app', type: 'message.create', guildId: 'g1', payload: { content: 'hi' }, now: NOW }),
    );
    assert.deepEqual(result, { created: true, eventId: 'evt_kept', deliveryId: 'dlv_kept' });
    const event = await database.db.selectFrom('webhook_events').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual({ ...event }, { id: 'evt_kept', app_id: 'app', type: 'message.create', guild_id: 'g1', payload: '{"content":"hi"}', created_at: NOW });
    const delivery = await database.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'pending');
    assert.equal(delivery.next_attempt_at, NOW);
    assert.deepEqual(await enqueueEvent(database.db, { id: 'evt_kept', appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW }), {
      created: false,
      eventId: 'evt_kept',
    });
  });

  it('hands out only due deliveries of online, enabled apps, and each only once while leased', async () => {
    const database = await open();
    const repo = new WebhookRepository(database.db, dialect);
    await insertTestApp(database.db, box, { id: 'online', callbackUrl: 'https://x.example/', lastHeartbeatAt: NOW });
    await insertTestApp(database.db, box, { id: 'never', callbackUrl: 'https://x.example/', lastHeartbeatAt: null });
    await insertTestApp(database.db, box, { id: 'stale', callbackUrl: 'https://x.example/', lastHeartbeatAt: NOW - 60_000 });
    await insertTestApp(database.db, box, { id: 'disabled', callbackUrl: 'https://x.example/', lastHeartbeatAt: NOW });
    await database.db.updateTable('apps').set({ endpoint_disabled_at: NOW }).where('id', '=', 'disabled').execute();
    for (const app of ['online', 'never', 'stale', 'disabled']) await repo.enqueue({ id: `evt_${app}`, appId: app, type: 'ping', guildId: null, payload: {}, now: NOW });
    await repo.enqueue({ id: 'evt_later', appId: 'online', type: 'ping', guildId: null, payload: {}, now: NOW + 5_000 });

    const first = await repo.claimDue(claim({ onlineSince: NOW - 30_000 }));
    assert.deepEqual(first.map((d) => d.id), ['dlv_online']);
    assert.equal(first[0]?.event.id, 'evt_online');
    assert.equal(first[0]?.app.callbackUrl, 'https://x.example/');
    assert.deepEqual(await repo.claimDue(claim({ owner: 'w2', onlineSince: NOW - 30_000 })), [], 'leased');
    assert.deepEqual((await repo.claimDue(claim({ owner: 'w2', now: NOW + 5_000, onlineSince: NOW - 30_000 }))).map((d) => d.id), ['dlv_later']);
    const takenOver = await repo.claimDue(claim({ owner: 'w2', now: NOW + 30_001, leaseUntil: NOW + 60_000, onlineSince: NOW - 30_000 }));
    assert.deepEqual(takenOver.map((d) => d.id).sort(), ['dlv_later', 'dlv_online'], 'expired leases are taken over');
    const lost = await repo.finishAttempt({ deliveryId: 'dlv_online', owner: 'w1', startedAt: NOW, durationMs: 5, statusCode: 200, error: null, outcome: { status: 'delivered' } });
    assert.equal(lost, false, 'the first worker lost its lease');
    const kept = await repo.finishAttempt({ deliveryId: 'dlv_online', owner: 'w2', startedAt: NOW + 30_001, durationMs: 5, statusCode: 200, error: null, outcome: { status: 'delivered' } });
    assert.equal(kept, true);
    const [record] = await repo.listForApp('online', { limit: 1, status: 'delivered' });
    assert.equal(record?.attempts, 1);
    assert.deepEqual(record?.attemptLog, [{ attempt: 1, startedAt: NOW + 30_001, durationMs: 5, statusCode: 200, error: null }]);
  });

  it('claims at most the per-app limit, counting what is already in flight', async () => {
    const database = await open();
    const repo = new WebhookRepository(database.db, dialect);
    for (const app of ['busy', 'quiet']) await insertTestApp(database.db, box, { id: app, callbackUrl: 'https://x.example/' });
    for (let i = 0; i < 6; i += 1) await repo.enqueue({ id: `evt_busy_${i}`, appId: 'busy', type: 'ping', guildId: null, payload: {}, now: NOW + i });
    await repo.enqueue({ id: 'evt_quiet_0', appId: 'quiet', type: 'ping', guildId: null, payload: {}, now: NOW + 10 });
    const now = NOW + 100;
    const first = await repo.claimDue(claim({ now, perAppLimit: 2, limit: 10 }));
    assert.deepEqual(first.map((d) => d.id).sort(), ['dlv_busy_0', 'dlv_busy_1', 'dlv_quiet_0']);
    const second = await repo.claimDue(claim({ now, perAppLimit: 3, limit: 10 }));
    assert.deepEqual(second.map((d) => d.id), ['dlv_busy_2'], 'two of busy are in flight: one more fits');
  });

  it('never gives one delivery to two concurrent claimers', async () => {
    const database = await open();
    const other = dialect === 'postgres' ? openAgain(database) : database;
    const a = new WebhookRepository(database.db, dialect);
    const b = new WebhookRepository(other.db, dialect);
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: 'https://x.example/' });
    for (let i = 0; i < 60; i += 1) await a.enqueue({ id: `evt_${i}`, appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW });
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).claimDue(claim({ owner: `w${i}`, limit: 7 }))));
    const ids = claims.flat().map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, 'no delivery claimed twice');
    assert.ok(ids.length > 0);
  });

  it('enqueues many events at once, each only once, answering per event in order', async () => {
    const database = await open();
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: 'https://x.example/' });
    await enqueueEvent(database.db, { id: 'evt_before', appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW });
    // More than one multi-row insert's worth, with an id already stored and one given twice.
    const ids = ['evt_before', ...Array.from({ length: 450 }, (_, i) => `evt_many_${i}`), 'evt_many_7'];
    const results = await database.db
      .transaction()
      .execute((trx) => enqueueEvents(trx, ids.map((id, i) => ({ id, appId: 'app', type: 'message.create', guildId: 'g1', payload: { i }, now: NOW + 1 }))));
    assert.equal(results.length, ids.length);
    assert.deepEqual(results[0], { created: false, eventId: 'evt_before' });
    assert.deepEqual(results[1], { created: true, eventId: 'evt_many_0', deliveryId: 'dlv_many_0' });
    assert.deepEqual(results.at(-1), { created: false, eventId: 'evt_many_7' }, 'the second occurrence of an id creates nothing');
    assert.equal(results.filter((r) => r.created).length, 450);
    const count = async (table: 'webhook_events' | 'webhook_deliveries') =>
      Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    assert.deepEqual([await count('webhook_events'), await count('webhook_deliveries')], [451, 451]);
    const stored = await database.db.selectFrom('webhook_events').select('payload').where('id', '=', 'evt_many_449').executeTakeFirstOrThrow();
    assert.equal(stored.payload, '{"i":450}');
  });

  it('serves every app from its own earliest deliveries, however large another backlog is', async () => {
    const database = await open();
    const repo = new WebhookRepository(database.db, dialect);
    for (const app of ['flood', 'trickle']) await insertTestApp(database.db, box, { id: app, callbackUrl: 'https://x.example/' });
    await database.db.transaction().execute((trx) =>
      enqueueEvents(trx, Array.from({ length: 500 }, (_, i) => ({ id: `evt_flood_${String(i).padStart(3, '0')}`, appId: 'flood', type: 'ping', guildId: null, payload: {}, now: NOW + i }))),
    );
    await repo.enqueue({ id: 'evt_trickle', appId: 'trickle', type: 'ping', guildId: null, payload: {}, now: NOW + 400 });
    const now = NOW + 1_000;
    const first = await repo.claimDue(claim({ now, limit: 8, perAppLimit: 5 }));
    assert.deepEqual(
      first.map((d) => d.id),
      ['dlv_flood_000', 'dlv_flood_001', 'dlv_flood_002', 'dlv_flood_003', 'dlv_flood_004', 'dlv_trickle'],
      "the flooding app's earliest five, and the other app's one",
    );
    const second = await repo.claimDue(claim({ now, limit: 8, perAppLimit: 7 }));
    assert.deepEqual(second.map((d) => d.id), ['dlv_flood_005', 'dlv_flood_006'], 'only what the per-app limit leaves, next in line');
  });

  it('records many finished attempts in one go, numbering each after its earlier attempts', async () => {
    const database = await open();
    const repo = new WebhookRepository(database.db, dialect);
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: 'https://x.example/' });
    for (const id of ['evt_a', 'evt_b', 'evt_c']) await repo.enqueue({ id, appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW });
    await repo.claimDue(claim());
    await repo.finishAttempt({ deliveryId: 'dlv_a', owner: 'w1', startedAt: NOW, durationMs: 3, statusCode: 503, error: 'busy', outcome: { status: 'failed', nextAttemptAt: NOW + 5 } });
    await repo.claimDue(claim({ owner: 'w2', now: NOW + 5 }));
    const kept = await repo.finishAttempts([
      { deliveryId: 'dlv_a', owner: 'w2', startedAt: NOW + 5, durationMs: 2, statusCode: 200, error: null, outcome: { status: 'delivered' } },
      { deliveryId: 'dlv_b', owner: 'w2', startedAt: NOW + 5, durationMs: 2, statusCode: 200, error: null, outcome: { status: 'delivered' } },
      { deliveryId: 'dlv_c', owner: 'w1', startedAt: NOW + 5, durationMs: 2, statusCode: 200, error: null, outcome: { status: 'delivered' } },
    ]);
    assert.deepEqual(kept, [true, false, true], 'w2 took over dlv_a only; w1 still holds dlv_b and dlv_c');
    const again = await repo.finishAttempts([
      { deliveryId: 'dlv_a', owner: 'w1', startedAt: NOW + 6, durationMs: 2, statusCode: 200, error: null, outcome: { status: 'delivered' } },
      { deliveryId: 'dlv_b', owner: 'w1', startedAt: NOW + 6, durationMs: 4, statusCode: 500, error: 'boom', outcome: { status: 'dead' } },
    ]);
    assert.deepEqual(again, [false, true], 'w1 lost dlv_a');
    const [a] = await repo.listForApp('app', { limit: 10, status: 'delivered' }).then((list) => list.filter((d) => d.id === 'dlv_a'));
    assert.deepEqual(a?.attemptLog.map((x) => [x.attempt, x.statusCode]), [[1, 503], [2, 200]]);
    const b = await repo.findForApp('app', 'dlv_b');
    assert.deepEqual([b?.status, b?.attempts, b?.lastError, b?.attemptLog.map((x) => x.attempt)], ['dead', 1, 'boom', [1]]);
    await repo.enqueue({ id: 'evt_d', appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW + 7 });
    assert.deepEqual((await repo.claimDue(claim({ owner: 'w3', now: NOW + 7 }))).map((d) => d.id), ['dlv_d']);
    const twice = await repo.finishAttempts([
      { deliveryId: 'dlv_d', owner: 'w3', startedAt: NOW + 7, durationMs: 1, statusCode: 503, error: 'busy', outcome: { status: 'failed', nextAttemptAt: NOW + 99 } },
      { deliveryId: 'dlv_d', owner: 'w3', startedAt: NOW + 7, durationMs: 1, statusCode: 200, error: null, outcome: { status: 'delivered' } },
    ]);
    assert.deepEqual(twice, [true, false], 'a delivery given twice is recorded once, by its first occurrence');
    const d = await repo.findForApp('app', 'dlv_d');
    assert.deepEqual([d?.status, d?.attempts, d?.nextAttemptAt, d?.deliveredAt, d?.lastError, d?.attemptLog.map((x) => x.statusCode)], ['failed', 1, NOW + 99, null, 'busy', [503]]);
  });

  it('requeues a finished delivery of the right app only', async () => {
    const database = await open();
    const repo = new WebhookRepository(database.db, dialect);
    for (const app of ['a', 'b']) await insertTestApp(database.db, box, { id: app, callbackUrl: 'https://x.example/' });
    await repo.enqueue({ id: 'evt_1', appId: 'a', type: 'ping', guildId: null, payload: {}, now: NOW });
    assert.deepEqual(await repo.requeue('a', 'dlv_1', NOW), { ok: false, reason: 'already_queued' });
    await repo.claimDue(claim());
    await repo.finishAttempt({ deliveryId: 'dlv_1', owner: 'w1', startedAt: NOW, durationMs: 1, statusCode: 500, error: 'boom', outcome: { status: 'dead' } });
    assert.deepEqual(await repo.requeue('b', 'dlv_1', NOW), { ok: false, reason: 'not_found' });
    const requeued = await repo.requeue('a', 'dlv_1', NOW + 10);
    assert.ok(requeued.ok);
    assert.equal(requeued.delivery.status, 'pending');
    assert.equal(requeued.delivery.attempts, 0);
    assert.equal(requeued.delivery.nextAttemptAt, NOW + 10);
    assert.equal(requeued.delivery.eventId, 'evt_1');
    assert.equal(requeued.delivery.attemptLog.length, 1, 'the history is kept');
  });

  it('deletes old events with their deliveries and attempts, in batches', async () => {
    const database = await open();
    const repo = new WebhookRepository(database.db, dialect);
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: 'https://x.example/' });
    for (let i = 0; i < 5; i += 1) await repo.enqueue({ id: `evt_old_${i}`, appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW + i });
    await repo.enqueue({ id: 'evt_new', appId: 'app', type: 'ping', guildId: null, payload: {}, now: NOW + 1_000 });
    for (const d of await repo.claimDue(claim({ now: NOW + 1_000 }))) {
      await repo.finishAttempt({ deliveryId: d.id, owner: 'w1', startedAt: NOW, durationMs: 1, statusCode: 200, error: null, outcome: { status: 'delivered' } });
    }
    assert.equal(await repo.deleteEventsBefore(NOW + 500, { batchSize: 2 }), 5);
    assert.deepEqual((await database.db.selectFrom('webhook_events').select('id').execute()).map((r) => r.id), ['evt_new']);
    assert.deepEqual((await database.db.selectFrom('webhook_deliveries').select('id').execute()).map((r) => r.id), ['dlv_new']);
    assert.deepEqual((await database.db.selectFrom('webhook_attempts').select('delivery_id').execute()).map((r) => r.delivery_id), ['dlv_new']);
  });

  it('tracks when an endpoint started failing and disables it once', async () => {
    const database = await open();
    const repo = new WebhookRepository(database.db, dialect);
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: 'https://x.example/' });
    assert.equal(await repo.noteEndpointFailure('app', NOW), NOW);
    assert.equal(await repo.noteEndpointFailure('app', NOW + 50), NOW, 'the first failure stays the start');
    await repo.noteEndpointSuccess('app');
    assert.equal(await repo.noteEndpointFailure('app', NOW + 99), NOW + 99);
    assert.equal(await repo.disableEndpoint('app', NOW, 'gone'), true);
    assert.equal(await repo.disableEndpoint('app', NOW + 1, 'again'), false);
    const app = await database.db.selectFrom('apps').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual([app.endpoint_disabled_at, app.endpoint_disabled_reason], [NOW, 'gone']);
  });
});
