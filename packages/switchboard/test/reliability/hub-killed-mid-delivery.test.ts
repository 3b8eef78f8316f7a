/**
 * Reliability: `kill -9` of the hub while 10,000 webhook deliveries are under way. The hub runs as the real
 * CLI on a SQLite file; an app is subscribed to a channel; the simulator pushes 10,000 MESSAGE_CREATE. Once
 * the hub has accepted them all into its outbox and the app has received some, the hub is SIGKILLed and
 * started again on the same database. The receiver's ledger must show every message at least once, and each
 * repeat under the same `webhook-id` as its first delivery.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { eventually, startTestSimulator, type TestSimulator } from '../support/simulator.ts';
import { distinctContents, ledgerOf, loadMessageContents } from './support/delivery-ledger.ts';
import { killHard, prepareHubFolder, subscribeReceiver, startHubProcess, stopHub, type HubProcess } from './support/hub-process.ts';

const EVENTS = 10_000;

describe('reliability: the hub is SIGKILLed with 10,000 deliveries in flight', () => {
  let sim: TestSimulator;
  let receiver: WebhookReceiver | undefined;
  let hub: HubProcess | undefined;
  let database: Database | undefined;

  before(async () => {
    // A heartbeat every 300 ms (the test default) would spend the gateway send budget (120 a minute) within a minute of load.
    sim = await startTestSimulator({ heartbeatIntervalMs: 5_000 });
  });
  after(async () => {
    await stopHub(hub);
    await database?.close();
    await receiver?.close();
    await sim.close();
  });

  it('every event is delivered at least once after a restart; repeats keep their webhook-id', { timeout: 150_000 }, async () => {
    const folder = await prepareHubFolder(sim);
    hub = await startHubProcess(folder);
    const channelId = sim.demo.channels.general!;
    const subscribed = await subscribeReceiver(hub.url, folder.adminToken, { id: 'ledger', guildId: sim.demo.guildId, channelId });
    receiver = subscribed.receiver;
    const app = subscribed.app;
    await eventually(async () => (await fetch(`${hub!.url}/ready`)).status === 200, 'the hub is ready', 15_000);

    database = openDatabase(folder.env.DATABASE_URL!);
    const outbox = async () =>
      Number((await database!.db.selectFrom('webhook_events').select((eb) => eb.fn.countAll().as('n')).where('app_id', '=', app.id).executeTakeFirstOrThrow()).n);

    await sim.control('POST', '/load/messages', { channelId, authorId: sim.demo.members.ada, count: EVENTS });
    await eventually(async () => (await outbox()) === EVENTS, `the hub accepted all ${EVENTS} events into its outbox`, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; hub output:\n${hub!.output().slice(-3000)}`);
    });
    const early = distinctContents(receiver.received);
    assert.ok(early < EVENTS, `deliveries must still be under way at the kill (already ${early} of ${EVENTS}); the kill would prove nothing`);
    await eventually(() => receiver!.received.length >= 200, 'deliveries are under way', 30_000);

    await killHard(hub);
    const atKill = distinctContents(receiver.received);
    assert.ok(atKill < EVENTS, `the kill came after every delivery (${atKill}); it must land mid-stream`);

    hub = await startHubProcess(folder);
    await eventually(() => distinctContents(receiver!.received) === EVENTS, `all ${EVENTS} messages arrived after the restart`, 90_000);

    const report = ledgerOf(receiver.received, loadMessageContents(EVENTS));
    assert.deepEqual(report.missing, [], 'no event is lost');
    assert.equal(report.unverified, 0, 'every delivery is signed with the app secret');
    assert.deepEqual(report.idMismatches, [], 'a repeat carries the webhook-id of its first delivery');
    assert.equal(report.distinct, EVENTS);
    // Repeats are allowed (at least once); they are reported so that a regression to "everything twice" shows.
    assert.ok(report.duplicates < EVENTS, `duplicates: ${report.duplicates}`);
  });
});
