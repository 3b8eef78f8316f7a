import assert from 'node:assert/strict';
import { after } from 'node:test';
import { DeliveryService, eventRetentionJob } from '../../src/broker/delivery-service.ts';
import { DeliveryWorker } from '../../src/broker/delivery-worker.ts';
import type { WebhookEventBody } from '../../src/broker/webhook-event.ts';
import { WebhookRepository } from '../../src/storage/webhook-repository.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { describeEachDatabase, type TestDatabase } from '../support/databases.ts';
import { insertTestApp, newSigningSecret, testSecretBox } from '../support/webhook-apps.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const DAY_MS = 86_400_000;
const box = testSecretBox();
const receivers: WebhookReceiver[] = [];
after(async () => {
  for (const receiver of receivers) await receiver.close();
});

function setUp(database: TestDatabase) {
  const repository = new WebhookRepository(database.db, database.dialect);
  const service = new DeliveryService({ repository });
  const worker = new DeliveryWorker({
    repository,
    secretBox: box,
    logger: capturedLogger().logger,
    instanceId: 'test',
    urlPolicy: { allowLoopback: true, allowPrivate: false },
    retry: { scale: 1e-5 },
  });
  return { repository, service, worker };
}

async function appWithReceiver(database: TestDatabase, id: string, respond?: (index: number) => number): Promise<WebhookReceiver> {
  const secret = newSigningSecret();
  const receiver = await startWebhookReceiver({ secret, ...(respond ? { respond: (_hook, index) => respond(index) } : {}) });
  receivers.push(receiver);
  await insertTestApp(database.db, box, { id, callbackUrl: receiver.url, secret });
  return receiver;
}

describeEachDatabase('webhook delivery service', ({ it, open }) => {
  it('lists an app’s deliveries with their attempts, newest first, filtered by status', async () => {
    const database = await open();
    const { repository, service, worker } = setUp(database);
    await appWithReceiver(database, 'app', (index) => (index === 0 ? 502 : 200));
    await appWithReceiver(database, 'other');
    await repository.enqueue({ id: 'evt_first', appId: 'app', type: 'message.create', guildId: 'g', payload: {}, now: Date.now() - 10 });
    await repository.enqueue({ id: 'evt_second', appId: 'app', type: 'reaction.add', guildId: 'g', payload: {}, now: Date.now() });
    await repository.enqueue({ id: 'evt_theirs', appId: 'other', type: 'ping', guildId: null, payload: {}, now: Date.now() });
    await worker.runOnce();

    const all = await service.listDeliveries('app', { limit: 10 });
    assert.deepEqual(all.map((d) => [d.eventId, d.eventType]), [['evt_second', 'reaction.add'], ['evt_first', 'message.create']]);
    const failed = await service.listDeliveries('app', { limit: 10, status: 'failed' });
    assert.equal(failed.length, 1);
    const [attempt] = failed[0]!.attemptLog;
    assert.equal(attempt?.statusCode, 502);
    assert.match(attempt?.error ?? '', /answered 502/);
    assert.ok(attempt !== undefined && attempt.durationMs >= 0 && attempt.startedAt > 0);
    assert.ok(failed[0]!.nextAttemptAt !== null);
    assert.equal((await service.listDeliveries('app', { limit: 1 })).length, 1);
    assert.deepEqual((await service.listDeliveries('other', { limit: 10 })).map((d) => d.eventId), ['evt_theirs']);
  });

  it('redelivers with the same webhook-id, and only the app’s own deliveries', async () => {
    const database = await open();
    const { repository, service, worker } = setUp(database);
    const receiver = await appWithReceiver(database, 'app');
    await appWithReceiver(database, 'other');
    const queued = await repository.enqueue({ id: 'evt_again', appId: 'app', type: 'message.create', guildId: 'g', payload: { n: 1 }, now: Date.now() });
    assert.ok(queued.created);
    await worker.runOnce();
    assert.equal((await service.getDelivery('app', queued.deliveryId))?.status, 'delivered');

    assert.deepEqual(await service.redeliver('other', queued.deliveryId), { ok: false, reason: 'not_found' });
    assert.deepEqual(await service.redeliver('app', 'dlv_nope'), { ok: false, reason: 'not_found' });
    const again = await service.redeliver('app', queued.deliveryId);
    assert.ok(again.ok);
    assert.equal(again.delivery.status, 'pending');
    assert.deepEqual(await service.redeliver('app', queued.deliveryId), { ok: false, reason: 'already_queued' });
    await worker.runOnce();

    assert.deepEqual(receiver.received.map((h) => [h.webhookId, h.verified]), [['evt_again', true], ['evt_again', true]]);
    assert.deepEqual(receiver.received[0]?.body, receiver.received[1]?.body, 'the same body (the same createdAt)');
    const record = await service.getDelivery('app', queued.deliveryId);
    assert.equal(record?.status, 'delivered');
    assert.deepEqual(record?.attemptLog.map((a) => a.attempt), [1, 2]);
  });

  it('redelivers a dead delivery', async () => {
    const database = await open();
    const { repository, service, worker } = setUp(database);
    const receiver = await appWithReceiver(database, 'app', () => 500);
    await repository.enqueue({ id: 'evt_dead', appId: 'app', type: 'ping', guildId: null, payload: {}, now: Date.now() });
    const deadline = Date.now() + 60_000;
    while ((await service.getDelivery('app', 'dlv_dead'))?.status !== 'dead') {
      if (Date.now() > deadline) throw new Error('never died');
      await worker.runOnce();
    }
    assert.ok((await service.redeliver('app', 'dlv_dead')).ok);
    await worker.runOnce();
    assert.equal(receiver.received.length, 9);
    const record = await service.getDelivery('app', 'dlv_dead');
    assert.deepEqual([record?.status, record?.attempts, record?.attemptLog.length], ['failed', 1, 9]);
  });

  it('sends a ping event', async () => {
    const database = await open();
    const { service, worker } = setUp(database);
    const receiver = await appWithReceiver(database, 'app');
    const ping = await service.enqueuePing('app');
    await worker.runOnce();
    assert.equal(receiver.received.length, 1);
    const body = receiver.received[0]?.payload as WebhookEventBody;
    assert.deepEqual([body.id, body.type, body.appId, body.guildId, body.data], [ping.eventId, 'ping', 'app', null, {}]);
    assert.equal(receiver.received[0]?.webhookId, ping.eventId);
    assert.equal((await service.getDelivery('app', ping.deliveryId))?.status, 'delivered');
  });

  it('keeps events for 30 days by a job, removing older ones with their deliveries and attempts', async () => {
    const database = await open();
    const { repository, service, worker } = setUp(database);
    await appWithReceiver(database, 'app');
    const now = Date.now();
    await repository.enqueue({ id: 'evt_old', appId: 'app', type: 'ping', guildId: null, payload: {}, now: now - 31 * DAY_MS });
    await repository.enqueue({ id: 'evt_recent', appId: 'app', type: 'ping', guildId: null, payload: {}, now: now - 29 * DAY_MS });
    await worker.runOnce();
    assert.equal((await database.db.selectFrom('webhook_attempts').selectAll().execute()).length, 2);

    const job = service.eventRetentionJob();
    assert.equal(job.name, 'webhook-event-retention');
    assert.equal(job.name, eventRetentionJob(repository).name);
    const result = await job.run({ now, signal: new AbortController().signal });
    assert.match(result?.summary ?? '', /deleted 1 webhook events older than 30 days/);
    assert.deepEqual((await database.db.selectFrom('webhook_events').select('id').execute()).map((r) => r.id), ['evt_recent']);
    assert.deepEqual((await service.listDeliveries('app', { limit: 10 })).map((d) => d.eventId), ['evt_recent']);
    assert.deepEqual((await database.db.selectFrom('webhook_attempts').select('delivery_id').execute()).map((r) => r.delivery_id), ['dlv_recent']);
  });
});
