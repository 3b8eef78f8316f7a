import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';
import { parseSamples, sampleValue } from '../support/metrics-text.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** 2025-03-10 00:00:00 UTC. */
const MIDNIGHT = Date.UTC(2025, 2, 10);

/** A clock the test moves by hand. */
function manualClock(start: number) {
  let time = start;
  return { now: () => time, set: (t: number) => (time = t) };
}

describe('HubMetrics', () => {
  it('exposes Prometheus text with its content type, default Node metrics included', async () => {
    const metrics = new HubMetrics();
    const text = await metrics.metricsText();
    assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
    assert.match(text, /^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
    assert.match(text, /^# TYPE switchboard_gateway_events_total counter$/m);
    assert.doesNotThrow(() => parseSamples(text));
  });

  it('keeps two hubs in one process apart', async () => {
    const first = new HubMetrics({ defaultMetrics: false });
    const second = new HubMetrics({ defaultMetrics: false });
    first.recordGatewayEvent('MESSAGE_CREATE');
    first.recordGatewayEvent('MESSAGE_CREATE');
    second.recordGatewayEvent('MESSAGE_CREATE');
    assert.equal(sampleValue(await first.metricsText(), 'switchboard_gateway_events_total', { type: 'MESSAGE_CREATE' }), 2);
    assert.equal(sampleValue(await second.metricsText(), 'switchboard_gateway_events_total', { type: 'MESSAGE_CREATE' }), 1);
  });

  it('records counters and histograms with their labels', async () => {
    const metrics = new HubMetrics({ defaultMetrics: false });
    metrics.recordEventProcessing(0.0002);
    metrics.recordDiscordRestRequest('/channels/:id/messages', 'POST', 200);
    metrics.recordDiscordRateLimited('/channels/:id/messages', 'user', false);
    metrics.recordError('gateway_handler');
    metrics.recordJobRun('job-run-retention', 'succeeded', 0.3);
    metrics.recordHttpRequest('/api/v1/jobs', 'GET', 200, 0.004);
    const text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_event_processing_seconds_bucket', { le: '0.00025' }), 1);
    assert.equal(sampleValue(text, 'switchboard_event_processing_seconds_bucket', { le: '0.0001' }), 0);
    assert.equal(sampleValue(text, 'switchboard_discord_rest_requests_total', { route: '/channels/:id/messages', method: 'POST', status: '200' }), 1);
    assert.equal(sampleValue(text, 'switchboard_discord_rate_limited_total', { scope: 'user', global: 'false' }), 1);
    assert.equal(sampleValue(text, 'switchboard_errors_total', { type: 'gateway_handler' }), 1);
    assert.equal(sampleValue(text, 'switchboard_job_runs_total', { job: 'job-run-retention', outcome: 'succeeded' }), 1);
    assert.equal(sampleValue(text, 'switchboard_job_run_seconds_count', { job: 'job-run-retention' }), 1);
    assert.equal(sampleValue(text, 'switchboard_http_requests_total', { route: '/api/v1/jobs', method: 'GET', status: '200' }), 1);
    assert.equal(sampleValue(text, 'switchboard_http_request_seconds_bucket', { route: '/api/v1/jobs', method: 'GET', le: '0.005' }), 1);
  });

  it("counts an interaction answered after Discord's 3 s deadline as missed, and one in time as not", async () => {
    const metrics = new HubMetrics({ defaultMetrics: false });
    metrics.recordInteractionResponse('command', 0.4);
    metrics.recordInteractionResponse('component', 3.2);
    metrics.recordInteractionDeadlineMissed();
    const text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_interaction_response_seconds_count', { kind: 'command' }), 1);
    assert.equal(sampleValue(text, 'switchboard_interaction_response_seconds_bucket', { kind: 'component', le: '3' }), 0);
    assert.equal(sampleValue(text, 'switchboard_interaction_deadline_missed_total'), 2);
  });

  it('shows only the current gateway state of each shard as 1', async () => {
    const metrics = new HubMetrics({ defaultMetrics: false });
    metrics.setGatewayState(0, 'connecting');
    metrics.setGatewayState(0, 'ready');
    metrics.setGatewayState(1, 'resuming');
    metrics.setGatewayConnected(true);
    metrics.setGatewayLatency(0, 0.042);
    metrics.setIdentifyRemaining(998);
    const text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_gateway_state', { shard: '0', state: 'ready' }), 1);
    assert.equal(sampleValue(text, 'switchboard_gateway_state', { shard: '0', state: 'connecting' }), 0);
    assert.equal(sampleValue(text, 'switchboard_gateway_state', { shard: '1', state: 'resuming' }), 1);
    assert.equal(sampleValue(text, 'switchboard_gateway_connected'), 1);
    assert.equal(sampleValue(text, 'switchboard_gateway_latency_seconds', { shard: '0' }), 0.042);
    assert.equal(sampleValue(text, 'switchboard_gateway_identify_remaining'), 998);
  });

  it('counts distinct users per UTC day and starts again at midnight, without a timer', async () => {
    const clock = manualClock(MIDNIGHT + 10 * 3_600_000);
    const metrics = new HubMetrics({ defaultMetrics: false, now: clock.now });
    metrics.recordUserActivity('111');
    metrics.recordUserActivity('222');
    metrics.recordUserActivity('111');
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_active_users_daily'), 2);

    // Nobody was seen yet on the next day: a scrape then shows 0, not yesterday's count.
    clock.set(MIDNIGHT + DAY_MS + 1);
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_active_users_daily'), 0);
    metrics.recordUserActivity('333');
    // Activity stamped yesterday and arriving late does not count towards today.
    metrics.recordUserActivity('444', MIDNIGHT + DAY_MS - 1);
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_active_users_daily'), 1);
  });

  it('counts messages over the last hour and forgets the ones older than that', async () => {
    const clock = manualClock(MIDNIGHT);
    const metrics = new HubMetrics({ defaultMetrics: false, now: clock.now });
    for (let minute = 0; minute < 90; minute++) {
      metrics.recordMessage(MIDNIGHT + minute * MINUTE_MS);
      metrics.recordMessage(MIDNIGHT + minute * MINUTE_MS + 30_000);
    }
    clock.set(MIDNIGHT + 89 * MINUTE_MS + 59_000);
    // Minutes 30 to 89 are within the hour: 60 minutes, two messages each.
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_messages_per_hour'), 120);
    clock.set(MIDNIGHT + 119 * MINUTE_MS);
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_messages_per_hour'), 60);
    clock.set(MIDNIGHT + 200 * MINUTE_MS);
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_messages_per_hour'), 0);
  });

  it('runs the registered refreshers before each scrape until they are removed', async () => {
    const metrics = new HubMetrics({ defaultMetrics: false });
    let invalid = 7;
    const stop = metrics.beforeScrape(() => metrics.setDiscordInvalidRequests(invalid));
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_discord_invalid_requests'), 7);
    invalid = 9;
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_discord_invalid_requests'), 9);
    stop();
    invalid = 11;
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_discord_invalid_requests'), 9);
  });
});
