import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after } from 'node:test';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/broker/delivery-worker.ts';
import type { ResolvedAddress } from '../../src/broker/outgoing-url-policy.ts';
import type { WebhookEventBody } from '../../src/broker/webhook-event.ts';
import { WebhookRepository } from '../../src/storage/webhook-repository.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { describeEachDatabase, type TestDatabase } from '../support/databases.ts';
import { insertTestApp, newSigningSecret, testSecretBox } from '../support/webhook-apps.ts';
import { startWebhookReceiver, type ReceiverOptions, type WebhookReceiver } from '../support/webhook-receiver.ts';

const DAY_MS = 86_400_000;
const box = testSecretBox();
const receivers: WebhookReceiver[] = [];
after(async () => {
  for (const receiver of receivers) await receiver.close();
});

async function receiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(options);
  receivers.push(started);
  return started;
}

function workerFor(database: TestDatabase, overrides: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
  return new DeliveryWorker({
    repository: new WebhookRepository(database.db, database.dialect),
    secretBox: box,
    logger: capturedLogger().logger,
    instanceId: 'test',
    urlPolicy: { allowLoopback: true, allowPrivate: false },
    retry: { scale: 1e-5 },
    ...overrides,
  });
}

/** Runs the worker until `done`, with a generous deadline (this is not a timing test). */
async function runUntil(workers: DeliveryWorker[], done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await Promise.all(workers.map((w) => w.runOnce()));
    await sleep(2);
  }
}

async function enqueue(database: TestDatabase, appId: string, id: string, type = 'message.create', data: unknown = { content: id }): Promise<void> {
  await new WebhookRepository(database.db, database.dialect).enqueue({ id, appId, type, guildId: 'guild-1', payload: data, now: Date.now() });
}

async function delivery(database: TestDatabase, eventId: string) {
  return database.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();
}

async function attemptsOf(database: TestDatabase, eventId: string) {
  const { id } = await delivery(database, eventId);
  return database.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', id).orderBy('attempt').execute();
}

async function appRow(database: TestDatabase, id: string) {
  return database.db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describeEachDatabase('webhook delivery worker', ({ it, dialect, open, openAgain }) => {
  it('delivers a signed webhook that a Standard Webhooks receiver verifies', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    await database.db.updateTable('apps').set({ failing_since: Date.now() - 1_000 }).execute();
    await enqueue(database, 'app', 'evt_signed', 'message.create', { content: 'hello', channelId: 'c1' });

    assert.equal(await workerFor(database).runOnce(), 1);
    assert.equal(app.received.length, 1);
    const [hook] = app.received;
    assert.ok(hook?.verified);
    assert.equal(hook.webhookId, 'evt_signed');
    assert.equal(hook.userAgent, 'Switchboard-Webhooks/1');
    assert.equal(hook.contentType, 'application/json');
    const body = hook.payload as WebhookEventBody;
    assert.deepEqual({ ...body, createdAt: typeof body.createdAt }, {
      id: 'evt_signed',
      type: 'message.create',
      appId: 'app',
      guildId: 'guild-1',
      createdAt: 'string',
      data: { content: 'hello', channelId: 'c1' },
    });
    assert.ok(!Number.isNaN(Date.parse(body.createdAt)));
    const row = await delivery(database, 'evt_signed');
    assert.deepEqual([row.status, row.attempts, row.last_status_code, row.lease_owner], ['delivered', 1, 200, null]);
    assert.ok(row.delivered_at !== null);
    assert.equal((await appRow(database, 'app')).failing_since, null, 'a success clears failing_since');
  });

  it('retries with the same webhook-id until the receiver accepts', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret, respond: (_hook, index) => (index < 2 ? 500 : 200) });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    await enqueue(database, 'app', 'evt_retry');
    const worker = workerFor(database);
    await runUntil([worker], async () => (await delivery(database, 'evt_retry')).status === 'delivered', 'delivered');

    assert.equal(app.received.length, 3);
    assert.ok(app.received.every((hook) => hook.verified && hook.webhookId === 'evt_retry'));
    assert.deepEqual((await attemptsOf(database, 'evt_retry')).map((a) => [a.attempt, a.status_code]), [[1, 500], [2, 500], [3, 200]]);
    assert.match((await attemptsOf(database, 'evt_retry'))[0]?.error ?? '', /answered 500/);
    assert.equal((await appRow(database, 'app')).failing_since, null);
  });

  it('gives up after the last attempt of the schedule: the delivery is dead', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret, respond: () => 503 });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    await enqueue(database, 'app', 'evt_dead');
    const worker = workerFor(database);
    await runUntil([worker], async () => (await delivery(database, 'evt_dead')).status === 'dead', 'dead');

    assert.equal(app.received.length, 8, 'eight attempts');
    const attempts = await attemptsOf(database, 'evt_dead');
    assert.deepEqual(attempts.map((a) => a.status_code), Array(8).fill(503));
    const row = await delivery(database, 'evt_dead');
    assert.deepEqual([row.attempts, row.last_status_code], [8, 503]);
    assert.ok((await appRow(database, 'app')).failing_since !== null);
    assert.equal(await worker.runOnce(), 0, 'a dead delivery is not tried again');
    assert.equal(app.received.length, 8);
  });

  it('disables the endpoint on 410 Gone and sends it nothing more', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret, respond: () => 410 });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    await enqueue(database, 'app', 'evt_gone');
    const worker = workerFor(database);
    assert.equal(await worker.runOnce(), 1);
    const row = await delivery(database, 'evt_gone');
    assert.deepEqual([row.status, row.last_status_code], ['dead', 410]);
    const disabled = await appRow(database, 'app');
    assert.ok(disabled.endpoint_disabled_at !== null);
    assert.match(disabled.endpoint_disabled_reason ?? '', /410/);

    await enqueue(database, 'app', 'evt_after_gone');
    assert.equal(await worker.runOnce(), 0);
    assert.equal((await delivery(database, 'evt_after_gone')).status, 'pending', 'it waits for the endpoint to be enabled again');
    assert.equal(app.received.length, 1);
  });

  it("keeps an offline app's events pending and delivers them when it heartbeats again", async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret });
    await insertTestApp(database.db, box, { id: 'never', callbackUrl: app.url, secret, lastHeartbeatAt: null });
    await insertTestApp(database.db, box, { id: 'gone', callbackUrl: app.url, secret, lastHeartbeatAt: Date.now() - 10 * 60_000 });
    await enqueue(database, 'never', 'evt_never');
    await enqueue(database, 'gone', 'evt_gone_away');
    const worker = workerFor(database, { offlineAfterMs: 5 * 60_000 });
    assert.equal(await worker.runOnce(), 0);
    assert.equal(app.received.length, 0);
    assert.equal((await delivery(database, 'evt_never')).status, 'pending');
    assert.equal((await delivery(database, 'evt_gone_away')).status, 'pending');
    assert.equal((await delivery(database, 'evt_gone_away')).attempts, 0);

    await database.db.updateTable('apps').set({ last_heartbeat_at: Date.now() }).execute();
    assert.equal(await worker.runOnce(), 2);
    assert.deepEqual(app.received.map((h) => h.webhookId).sort(), ['evt_gone_away', 'evt_never']);
    assert.equal((await delivery(database, 'evt_never')).status, 'delivered');
  });

  it('refuses callback URLs the policy forbids, at send time, without sending', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret });
    const answers: Record<string, string[]> = { 'hooks.internal.example': ['10.0.0.1'] };
    const resolve = async (host: string): Promise<ResolvedAddress[]> => (answers[host] ?? []).map((address) => ({ address, family: 4 }));
    await insertTestApp(database.db, box, { id: 'metadata', callbackUrl: 'http://169.254.169.254/latest/meta-data/', secret });
    await insertTestApp(database.db, box, { id: 'private', callbackUrl: 'http://hooks.internal.example/in', secret });
    await insertTestApp(database.db, box, { id: 'rebinding', callbackUrl: `http://rebinding.example:${app.port}/in`, secret });
    await enqueue(database, 'metadata', 'evt_metadata');
    await enqueue(database, 'private', 'evt_private');
    const worker = workerFor(database, { resolve });
    assert.equal(await worker.runOnce(), 2);
    const metadata = await delivery(database, 'evt_metadata');
    assert.deepEqual([metadata.status, metadata.last_status_code], ['failed', null]);
    assert.match(metadata.last_error ?? '', /not sent: .*metadata.*169\.254\.169\.254/);
    const privately = await delivery(database, 'evt_private');
    assert.equal(privately.status, 'failed');
    assert.match(privately.last_error ?? '', /not sent: .*private network address \(10\.0\.0\.1\)/);
    assert.equal((await attemptsOf(database, 'evt_private')).length, 1, 'the refusal is a recorded attempt');

    // The name resolves to the receiver, then re-resolves to a private address: each send checks again.
    answers['rebinding.example'] = ['127.0.0.1'];
    await enqueue(database, 'rebinding', 'evt_rebind_1');
    await runUntil([worker], async () => (await delivery(database, 'evt_rebind_1')).status === 'delivered', 'first delivered');
    answers['rebinding.example'] = ['10.0.0.1'];
    await enqueue(database, 'rebinding', 'evt_rebind_2');
    await runUntil([worker], async () => (await delivery(database, 'evt_rebind_2')).attempts > 0, 'second tried');
    assert.match((await delivery(database, 'evt_rebind_2')).last_error ?? '', /10\.0\.0\.1/);
    assert.deepEqual(app.received.map((h) => h.webhookId), ['evt_rebind_1']);
  });

  it('disables an endpoint that has failed continuously for the configured time, with a notice', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret, respond: () => 500 });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    await insertTestApp(database.db, box, { id: 'fresh', callbackUrl: app.url, secret });
    await database.db.updateTable('apps').set({ failing_since: Date.now() - 6 * DAY_MS }).where('id', '=', 'app').execute();
    await enqueue(database, 'app', 'evt_long_failing');
    await enqueue(database, 'fresh', 'evt_fresh');
    const { logger, lines } = capturedLogger();
    assert.equal(await workerFor(database, { logger }).runOnce(), 2);
    const disabled = await appRow(database, 'app');
    assert.ok(disabled.endpoint_disabled_at !== null);
    assert.match(disabled.endpoint_disabled_reason ?? '', /failed since/);
    assert.equal((await appRow(database, 'fresh')).endpoint_disabled_at, null, 'one failure is not five days of failures');
    const notices = lines.filter((line) => line.notice === 'webhook_endpoint_disabled');
    assert.equal(notices.length, 1);
    assert.equal(notices[0]?.appId, 'app');
    assert.match(notices[0]?.msg ?? '', /5 days/);
  });

  it('signs with the previous secret too during a rotation', async () => {
    const database = await open();
    const previous = newSigningSecret();
    const oldReceiver = await receiver({ secret: previous });
    // The previous secret sealed for its own column, and sealed as signing_secret (moved by a rotation).
    await insertTestApp(database.db, box, { id: 'own', callbackUrl: oldReceiver.url, previous: { secret: previous, expiresAt: Date.now() + DAY_MS, sealedAs: 'previous_signing_secret' } });
    await insertTestApp(database.db, box, { id: 'moved', callbackUrl: oldReceiver.url, previous: { secret: previous, expiresAt: Date.now() + DAY_MS, sealedAs: 'signing_secret' } });
    await insertTestApp(database.db, box, { id: 'expired', callbackUrl: oldReceiver.url, previous: { secret: previous, expiresAt: Date.now() - 1, sealedAs: 'previous_signing_secret' } });
    await enqueue(database, 'own', 'evt_own');
    await enqueue(database, 'moved', 'evt_moved');
    await enqueue(database, 'expired', 'evt_expired');
    assert.equal(await workerFor(database).runOnce(), 3);
    const verdicts = Object.fromEntries(oldReceiver.received.map((h) => [h.webhookId, h.verified]));
    assert.deepEqual(verdicts, { evt_own: true, evt_moved: true, evt_expired: false });
  });

  it('limits deliveries in flight per app, so a slow app leaves room for others', async () => {
    const database = await open();
    const secret = newSigningSecret();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = await receiver({ secret, respond: async () => (await released, 200) });
    const fast = await receiver({ secret });
    await insertTestApp(database.db, box, { id: 'slow', callbackUrl: slow.url, secret });
    await insertTestApp(database.db, box, { id: 'fast', callbackUrl: fast.url, secret });
    for (let i = 0; i < 5; i += 1) await enqueue(database, 'slow', `evt_slow_${i}`);
    await enqueue(database, 'fast', 'evt_fast_0');
    await enqueue(database, 'fast', 'evt_fast_1');
    const worker = workerFor(database, { concurrency: 4, perAppConcurrency: 2 });
    const run = worker.runOnce();
    await runUntil([], async () => fast.received.length === 2 && slow.active === 2, 'both apps served');
    assert.equal(slow.received.length, 2, 'only two of the slow app in flight');
    release();
    assert.equal(await run, 4);
    assert.equal(await worker.runOnce(), 2, 'freed slots take the rest of the slow app');
    assert.equal(await worker.runOnce(), 1);
  });

  it('with two workers, delivers each of 200 deliveries exactly once', async () => {
    const database = await open();
    const other = dialect === 'postgres' ? openAgain(database) : database;
    const secret = newSigningSecret();
    const app = await receiver({ secret });
    const apps = ['a1', 'a2', 'a3', 'a4'];
    for (const id of apps) await insertTestApp(database.db, box, { id, callbackUrl: app.url, secret });
    const repo = new WebhookRepository(database.db, dialect);
    for (let i = 0; i < 200; i += 1) {
      await repo.enqueue({ id: `evt_${String(i).padStart(3, '0')}`, appId: apps[i % apps.length]!, type: 'message.create', guildId: null, payload: { i }, now: Date.now() });
    }
    const options = { concurrency: 12, perAppConcurrency: 6 };
    const sentBy = [0, 0];
    const one = workerFor(database, { ...options, onAttempt: () => (sentBy[0]! += 1) });
    const two = workerFor(other, { ...options, onAttempt: () => (sentBy[1]! += 1) });
    const delivered = async () => Number((await database.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'delivered').executeTakeFirstOrThrow()).n);
    await runUntil([one, two], async () => (await delivered()) === 200, 'all 200 delivered');
    const counts = new Map<string, number>();
    for (const hook of app.received) counts.set(hook.webhookId, (counts.get(hook.webhookId) ?? 0) + 1);
    assert.equal(counts.size, 200);
    assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no delivery reached the receiver twice');
    assert.ok(app.received.every((hook) => hook.verified));
    assert.ok(sentBy[0]! > 0 && sentBy[1]! > 0, `both workers worked: ${sentBy.join(' + ')}`);
  });

  it('runs in the background after start(), and stop() waits for deliveries in flight', async () => {
    const database = await open();
    const secret = newSigningSecret();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const app = await receiver({ secret, respond: async () => (await released, 200) });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    await enqueue(database, 'app', 'evt_background');
    const worker = workerFor(database, { pollIntervalMs: 10 });
    worker.start();
    await runUntil([], async () => app.active === 1, 'the request arrived');
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await sleep(50);
    assert.equal(stopped, false, 'stop waits for the delivery in flight');
    release();
    await stopping;
    assert.equal((await delivery(database, 'evt_background')).status, 'delivered');
    await enqueue(database, 'app', 'evt_after_stop');
    await sleep(50);
    assert.equal((await delivery(database, 'evt_after_stop')).status, 'pending', 'a stopped worker claims nothing');
  });

  it('when woken after an enqueue, sends at once instead of at the next poll', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    const worker = workerFor(database, { pollIntervalMs: 600_000 });
    worker.start();
    try {
      await sleep(50); // the first poll found nothing; the next one is ten minutes away
      await enqueue(database, 'app', 'evt_woken');
      const woken = performance.now();
      worker.wake();
      await runUntil([], async () => app.received.length === 1, 'the woken delivery arrived');
      assert.ok(performance.now() - woken < 30_000, 'long before the next poll');
    } finally {
      await worker.stop();
    }
    assert.equal((await delivery(database, 'evt_woken')).status, 'delivered');
  });

  it('in the background, drains a backlog as deliveries finish rather than poll by poll', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    for (let i = 0; i < 20; i += 1) await enqueue(database, 'app', `evt_backlog_${i}`);
    // A poll a minute and two at a time: twenty deliveries would take ten minutes if only polls claimed.
    const worker = workerFor(database, { pollIntervalMs: 60_000, perAppConcurrency: 2 });
    worker.start();
    try {
      await runUntil([], async () => app.received.length === 20, 'the backlog drained');
    } finally {
      await worker.stop();
    }
    assert.equal(new Set(app.received.map((h) => h.webhookId)).size, 20);
  });

  it('frees a slot when the answer arrives, not when the attempt is recorded, and holds at most twice its slots unrecorded', async () => {
    const database = await open();
    const secret = newSigningSecret();
    const app = await receiver({ secret });
    await insertTestApp(database.db, box, { id: 'app', callbackUrl: app.url, secret });
    for (let i = 0; i < 5; i += 1) await enqueue(database, 'app', `evt_held_${i}`);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The records of finished attempts wait, as they would for a busy database.
    class HeldRecords extends WebhookRepository {
      override async finishAttempts(...args: Parameters<WebhookRepository['finishAttempts']>) {
        await held;
        return super.finishAttempts(...args);
      }
    }
    const worker = workerFor(database, { repository: new HeldRecords(database.db, database.dialect), concurrency: 1, perAppConcurrency: 1, pollIntervalMs: 60_000 });
    worker.start();
    try {
      // One slot, one per app: the second is sent while the first one's record still waits.
      await runUntil([], async () => app.received.length === 2, 'a second delivery while the first is unrecorded');
      await sleep(100);
      assert.equal(app.received.length, 2, 'no more than twice the slots wait for their records');
      release();
      await runUntil([], async () => app.received.length === 5, 'the rest once the records are written');
    } finally {
      release();
      await worker.stop();
    }
    for (let i = 0; i < 5; i += 1) assert.equal((await delivery(database, `evt_held_${i}`)).status, 'delivered');
  });
});
