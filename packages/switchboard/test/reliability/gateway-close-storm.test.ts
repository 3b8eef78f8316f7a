/**
 * Reliability: 50 gateway closes during a message stream. Resumable closes (4000, 4008) and abrupt drops
 * alternate while the simulator streams messages to a subscribed channel; after the hub resumes, the app has
 * every message. A fatal close (4004, the token was rejected) stops the hub's gateway: its status says
 * failed and the simulator sees no further identify or resume.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { describeEachDatabase } from '../support/databases.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { eventually, startTestSimulator, type SimStats, type TestSimulator } from '../support/simulator.ts';
import { distinctContents, ledgerOf, loadMessageContents } from './support/delivery-ledger.ts';
import { subscribeReceiver } from './support/hub-process.ts';
import { startConnectedHub, type ConnectedHub } from './support/in-process-hub.ts';

const MESSAGES = 1_500;
const CLOSES = 50;

describeEachDatabase('reliability: gateway closes during a stream', ({ it, open }) => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function setUp(): Promise<{ sim: TestSimulator; connected: ConnectedHub; receiver: WebhookReceiver }> {
    const sim = await startTestSimulator({ heartbeatIntervalMs: 2_000 });
    cleanups.push(() => sim.close());
    const connected = await startConnectedHub(await open(), sim, {
      WEBHOOK_RETRY_SCALE: '0.0001',
      // Production waits up to 5 s before reconnecting; 50 closes at that pace would not fit a CI run.
      GATEWAY_RECONNECT_BASE_MS: '50',
      GATEWAY_RECONNECT_CAP_MS: '500',
    });
    cleanups.push(() => connected.hub.stop());
    const { receiver } = await subscribeReceiver(connected.url, connected.adminToken, { id: 'stream', guildId: sim.demo.guildId, channelId: sim.demo.channels.general! });
    cleanups.push(() => receiver.close());
    return { sim, connected, receiver };
  }

  it('50 resumable closes and drops lose no message', async () => {
    const { sim, connected, receiver } = await setUp();
    const before = await sim.control<SimStats>('GET', '/stats');
    const stream = sim.control('POST', '/load/messages', { channelId: sim.demo.channels.general, authorId: sim.demo.members.ada, count: MESSAGES, ratePerSecond: 250 });
    for (let i = 0; i < CLOSES; i++) {
      if (i % 3 === 2) await sim.control('POST', '/faults', { kind: 'drop' });
      else await sim.control('POST', '/faults', { kind: 'close', code: i % 3 === 0 ? 4000 : 4008 });
      // The next close lands once the hub is back (a close while it is still reconnecting would be a no-op).
      await eventually(() => connected.hub.discord!.status().ready, `the hub resumed after close ${i + 1}`, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stream;
    await eventually(() => distinctContents(receiver.received) === MESSAGES, `all ${MESSAGES} messages reached the app`, 60_000);
    const report = ledgerOf(receiver.received, loadMessageContents(MESSAGES));
    assert.deepEqual(report.missing, []);
    assert.deepEqual(report.idMismatches, []);
    const stats = await sim.control<SimStats>('GET', '/stats');
    assert.ok(stats.gateway.resumes - before.gateway.resumes >= CLOSES / 2, `the hub resumed (${stats.gateway.resumes - before.gateway.resumes} resumes)`);
    await eventually(() => connected.hub.discord!.status().state === 'ready', 'the gateway is ready again');
  });

  it('a fatal close (4004) stops the gateway without a retry loop', async () => {
    const { sim, connected } = await setUp();
    const before = await sim.control<SimStats>('GET', '/stats');
    await sim.control('POST', '/faults', { kind: 'close', code: 4004 });
    await eventually(() => connected.hub.discord!.status().state === 'failed', 'the status says failed');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // several backoff periods
    const stats = await sim.control<SimStats>('GET', '/stats');
    assert.equal(stats.gateway.identifies + stats.gateway.resumes, before.gateway.identifies + before.gateway.resumes, 'no identify or resume after a fatal close');
    assert.match(connected.hub.discord!.status().lastError ?? '', /DISCORD_TOKEN/);
    const ready = await fetch(`${connected.url}/ready`);
    assert.equal(ready.status, 503, '/ready says the hub cannot serve Discord');
    assert.equal((await fetch(`${connected.url}/health`)).status, 200, 'the process itself is alive');
  });
});
