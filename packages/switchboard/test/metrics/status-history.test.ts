import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';
import { percentile95, StatusHistory, STATUS_HISTORY_POINTS } from '../../src/metrics/status-history.ts';
import { sampleValue } from '../support/metrics-text.ts';

function setup(start = Date.parse('2026-05-01T12:00:00Z')) {
  const clock = { now: start };
  const metrics = new HubMetrics({ defaultMetrics: false });
  const history = new StatusHistory({ metrics, now: () => clock.now });
  const advance = (ms: number) => (clock.now += ms);
  return { clock, metrics, history, advance };
}

describe('the status history', () => {
  it('turns the gateway events of each 10 seconds into events per second', () => {
    const { metrics, history, advance } = setup();
    for (let i = 0; i < 25; i++) metrics.recordGatewayEvent('MESSAGE_CREATE');
    advance(10_000);
    assert.equal(history.sample().eventsPerSecond, 2.5);
    metrics.recordGatewayEvent('GUILD_CREATE');
    advance(10_000);
    assert.equal(history.sample().eventsPerSecond, 0.1);
    advance(10_000);
    assert.equal(history.sample().eventsPerSecond, 0);
  });

  it('reports the p95 of delivery and interaction times per interval, null when there were none', () => {
    const { metrics, history, advance } = setup();
    for (let ms = 1; ms <= 100; ms++) metrics.recordWebhookDelivery('delivered', ms / 1000);
    metrics.recordInteractionResponse('command', 0.25);
    advance(10_000);
    const first = history.sample();
    assert.equal(first.deliveryP95Ms, 95);
    assert.equal(first.interactionP95Ms, 250);
    advance(10_000);
    const second = history.sample();
    assert.equal(second.deliveryP95Ms, null, 'the next interval starts empty');
    assert.equal(second.interactionP95Ms, null);
  });

  it('keeps one hour of points, oldest first, each stamped with its time', () => {
    const { history, advance, clock } = setup();
    for (let i = 0; i < STATUS_HISTORY_POINTS + 15; i++) {
      advance(10_000);
      history.sample();
    }
    const points = history.points();
    assert.equal(points.length, STATUS_HISTORY_POINTS);
    assert.equal(points.at(-1)!.at, clock.now);
    assert.equal(points[0]!.at, clock.now - (STATUS_HISTORY_POINTS - 1) * 10_000);
    assert.ok(points.every((p, i) => i === 0 || p.at > points[i - 1]!.at));
  });

  it('leaves out points older than an hour when sampling stalled', () => {
    const { history, advance } = setup();
    advance(10_000);
    history.sample();
    advance(2 * 3_600_000);
    assert.deepEqual(history.points(), []);
  });

  it('stops hearing durations once stopped', () => {
    const { metrics, history, advance } = setup();
    history.stop();
    metrics.recordWebhookDelivery('delivered', 0.5);
    advance(10_000);
    assert.equal(history.sample().deliveryP95Ms, null);
  });

  it('samples on its own timer, which does not keep the process alive', async () => {
    const metrics = new HubMetrics({ defaultMetrics: false });
    const history = new StatusHistory({ metrics, intervalMs: 20 });
    history.start();
    await new Promise((resolve) => setTimeout(resolve, 110));
    history.stop();
    const taken = history.points().length;
    assert.ok(taken >= 2, `${taken} points`);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(history.points().length, taken, 'no sampling after stop');
  });

  it('computes the 95th percentile by nearest rank', () => {
    assert.equal(percentile95([]), null);
    assert.equal(percentile95([7]), 7);
    assert.equal(percentile95([5, 1, 3, 2, 4]), 5);
    assert.equal(percentile95(Array.from({ length: 20 }, (_, i) => i + 1)), 19);
  });
});

describe('the webhook delivery histogram', () => {
  it('counts delivery attempts by outcome for Prometheus', async () => {
    const metrics = new HubMetrics({ defaultMetrics: false });
    metrics.recordWebhookDelivery('delivered', 0.12);
    metrics.recordWebhookDelivery('delivered', 0.3);
    metrics.recordWebhookDelivery('retrying', 10);
    const text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_webhook_delivery_seconds_count', { outcome: 'delivered' }), 2);
    assert.equal(sampleValue(text, 'switchboard_webhook_delivery_seconds_bucket', { outcome: 'delivered', le: '0.25' }), 1);
    assert.equal(sampleValue(text, 'switchboard_webhook_delivery_seconds_count', { outcome: 'retrying' }), 1);
  });
});
