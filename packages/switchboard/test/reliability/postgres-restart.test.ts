/**
 * Reliability: PostgreSQL restarts under a running hub. A throwaway server of the test's own (never the
 * machine's) holds the hub's data; it is stopped while messages keep arriving, then started again. /ready
 * goes 503 during the outage and back to 200 after it, and every message — those sent during the outage
 * too — reaches the subscribed app.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { runMigrations } from '../../src/storage/migrator.ts';
import { eventually, startTestSimulator, type TestSimulator } from '../support/simulator.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { distinctContents } from './support/delivery-ledger.ts';
import { subscribeReceiver } from './support/hub-process.ts';
import { startConnectedHub, type ConnectedHub } from './support/in-process-hub.ts';
import { createThrowawayPostgres, throwawayPostgresUnavailable, type ThrowawayPostgres } from './support/throwaway-postgres.ts';

const skip = throwawayPostgresUnavailable() ?? false;

describe('reliability: PostgreSQL restarted mid-run', { skip }, () => {
  let postgres: ThrowawayPostgres | undefined;
  let sim: TestSimulator | undefined;
  let database: Database | undefined;
  let connected: ConnectedHub | undefined;
  let receiver: WebhookReceiver | undefined;
  after(async () => {
    await connected?.hub.stop().catch(() => undefined);
    await receiver?.close();
    await sim?.close();
    postgres?.remove();
  });

  const post = (content: string) => sim!.control('POST', `/channels/${sim!.demo.channels.general}/messages`, { authorId: sim!.demo.members.ada, content });
  const readiness = async () => (await fetch(`${connected!.url}/ready`)).status;

  it('/ready goes 503 and back to 200; messages sent during the outage are delivered after it', { timeout: 120_000 }, async () => {
    postgres = await createThrowawayPostgres();
    sim = await startTestSimulator({ heartbeatIntervalMs: 2_000 });
    database = openDatabase(postgres.url, { poolSize: 5 });
    await runMigrations(database);
    connected = await startConnectedHub(database, sim, { WEBHOOK_RETRY_SCALE: '0.001' });
    receiver = (await subscribeReceiver(connected.url, connected.adminToken, { id: 'durable', guildId: sim.demo.guildId, channelId: sim.demo.channels.general! })).receiver;

    for (let i = 1; i <= 10; i++) await post(`before ${i}`);
    await eventually(() => distinctContents(receiver!.received) === 10, 'the first messages arrived', 15_000);
    assert.equal(await readiness(), 200);

    postgres.stop();
    await eventually(async () => (await readiness()) === 503, '/ready says 503 while the database is down', 15_000);
    for (let i = 1; i <= 10; i++) await post(`during ${i}`);
    assert.equal((await fetch(`${connected.url}/health`)).status, 200, 'the process itself stays alive');

    postgres.start();
    await eventually(async () => (await readiness()) === 200, '/ready is back to 200', 30_000);
    for (let i = 1; i <= 10; i++) await post(`after ${i}`);
    await eventually(() => distinctContents(receiver!.received) === 30, 'every message arrived, those of the outage too', 30_000).catch((error: unknown) => {
      const got = new Set(receiver!.received.map((h) => (h.payload as { data?: { content?: string } } | undefined)?.data?.content));
      const missing = ['before', 'during', 'after'].flatMap((phase) => Array.from({ length: 10 }, (_, i) => `${phase} ${i + 1}`)).filter((c) => !got.has(c));
      throw new Error(`${String(error)}; missing: ${missing.join(', ')}`);
    });
  });
});
