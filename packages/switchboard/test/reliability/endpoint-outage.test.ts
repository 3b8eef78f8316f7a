/**
 * Reliability: an app's endpoint is down for a while (503 and refused connections), then back: every message
 * reaches it, under the webhook-id of its first attempt. An endpoint answering 410 Gone is disabled at once
 * and receives nothing more. The retry schedule is shrunk with WEBHOOK_RETRY_SCALE.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { describeEachDatabase } from '../support/databases.ts';
import type { ReceivedWebhook } from '../support/webhook-receiver.ts';
import { eventually, startTestSimulator } from '../support/simulator.ts';
import { distinctContents, ledgerOf, loadMessageContents } from './support/delivery-ledger.ts';
import { api, subscribeReceiver } from './support/hub-process.ts';
import { startConnectedHub } from './support/in-process-hub.ts';

const MESSAGES = 200;

describeEachDatabase('reliability: an app endpoint goes down and comes back', ({ it, open }) => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('everything sent during the outage is delivered once the endpoint is back', async () => {
    const sim = await startTestSimulator({ heartbeatIntervalMs: 2_000 });
    cleanups.push(() => sim.close());
    // Scaled by 0.001 the schedule is 0, 5 ms, 0.3 s, 1.8 s, 7.2 s, …: an outage of 2.5 s spans several attempts but not all eight.
    const { hub, url, adminToken } = await startConnectedHub(await open(), sim, { WEBHOOK_RETRY_SCALE: '0.001' });
    cleanups.push(() => hub.stop());
    let down = true;
    let refused = 0;
    const accepted: ReceivedWebhook[] = [];
    const { receiver } = await subscribeReceiver(url, adminToken, {
      id: 'flaky',
      guildId: sim.demo.guildId,
      channelId: sim.demo.channels.general!,
      respond: (hook) => {
        if (!down) {
          accepted.push(hook);
          return 200;
        }
        refused += 1;
        return 503;
      },
    });
    cleanups.push(() => receiver.close());

    await sim.control('POST', '/load/messages', { channelId: sim.demo.channels.general, authorId: sim.demo.members.ada, count: MESSAGES });
    await eventually(() => refused >= MESSAGES, 'every message was tried and refused while the endpoint is down', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    down = false;
    await eventually(() => distinctContents(accepted) === MESSAGES, 'everything arrived', 30_000);
    // The ledger of what was accepted, plus the refused attempts: a retry must reuse the first attempt's webhook-id.
    const report = ledgerOf([...receiver.received.filter((h) => !accepted.includes(h)), ...accepted], loadMessageContents(MESSAGES));
    assert.deepEqual(report.missing, []);
    assert.deepEqual(report.idMismatches, [], 'retries keep the webhook-id');
    assert.equal(ledgerOf(accepted, loadMessageContents(MESSAGES)).missing.length, 0);
    const deliveries = await api<{ data: { status: string }[] }>(url, adminToken, 'GET', '/api/v1/apps/flaky/deliveries?status=dead&limit=100');
    assert.equal(deliveries.status, 200);
    assert.equal(deliveries.body.data.length, 0, 'no delivery died during the outage');
  });

  it('an endpoint answering 410 Gone is disabled and gets nothing more', async () => {
    const sim = await startTestSimulator({ heartbeatIntervalMs: 2_000 });
    cleanups.push(() => sim.close());
    // The per-app limit set low, so that what may still be in flight when the 410 comes is known.
    const { hub, url, adminToken } = await startConnectedHub(await open(), sim, { WEBHOOK_RETRY_SCALE: '0.001', WEBHOOK_PER_APP_CONCURRENCY: '4' });
    cleanups.push(() => hub.stop());
    const { receiver } = await subscribeReceiver(url, adminToken, { id: 'gone', guildId: sim.demo.guildId, channelId: sim.demo.channels.general!, respond: () => 410 });
    cleanups.push(() => receiver.close());

    await sim.control('POST', '/load/messages', { channelId: sim.demo.channels.general, authorId: sim.demo.members.ada, count: 20 });
    type AppView = { data: { endpointDisabled: { at: string; reason: string | null } | null } };
    await eventually(async () => (await api<AppView>(url, adminToken, 'GET', '/api/v1/apps/gone')).body.data.endpointDisabled !== null, 'the endpoint is disabled', 15_000);
    const app = await api<AppView>(url, adminToken, 'GET', '/api/v1/apps/gone');
    assert.match(app.body.data.endpointDisabled?.reason ?? '', /410/);
    const seen = receiver.received.length;
    // At most the deliveries already in flight when the 410 came (the per-app limit is 4) may still arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await sim.control('POST', '/load/messages', { channelId: sim.demo.channels.general, authorId: sim.demo.members.ada, count: 5 });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.ok(receiver.received.length <= seen + 4, `a disabled endpoint received ${receiver.received.length - seen} more deliveries`);
    assert.ok(receiver.received.length < 25, 'the 410 stopped the deliveries');
  });
});
