import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { HubMetrics } from '../../../src/metrics/hub-metrics.ts';
import { httpMetricsHook, metricsRoutes, UNMATCHED_ROUTE } from '../../../src/http/routes/metrics-routes.ts';
import { parseSamples, sampleValue } from '../../support/metrics-text.ts';

describe('GET /metrics and the HTTP metrics hook', () => {
  let app: FastifyInstance;
  let metrics: HubMetrics;

  before(async () => {
    metrics = new HubMetrics();
    app = Fastify();
    httpMetricsHook(app, metrics);
    metricsRoutes(app, metrics);
    app.get('/api/v1/things/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      return id === 'missing' ? reply.status(404).send({ error: 'not found' }) : { id };
    });
    await app.ready();
  });

  after(() => app.close());

  it('serves Prometheus text with the registry content type', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], metrics.contentType);
    assert.match(response.body, /^# HELP switchboard_http_requests_total /m);
    assert.match(response.body, /^process_resident_memory_bytes \d+/m);
  });

  it('labels requests with the route template, never the raw URL', async () => {
    for (const id of ['101', '202', '303']) await app.inject({ method: 'GET', url: `/api/v1/things/${id}?verbose=1` });
    await app.inject({ method: 'GET', url: '/api/v1/things/missing' });
    await app.inject({ method: 'GET', url: '/wp-login.php' });
    await app.inject({ method: 'GET', url: '/.env' });

    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const route = '/api/v1/things/:id';
    assert.equal(sampleValue(text, 'switchboard_http_requests_total', { route, method: 'GET', status: '200' }), 3);
    assert.equal(sampleValue(text, 'switchboard_http_requests_total', { route, method: 'GET', status: '404' }), 1);
    assert.equal(sampleValue(text, 'switchboard_http_request_seconds_count', { route, method: 'GET' }), 4);
    // Both probes share one series.
    assert.equal(sampleValue(text, 'switchboard_http_requests_total', { route: UNMATCHED_ROUTE, method: 'GET', status: '404' }), 2);
    const routes = new Set(parseSamples(text).filter((s) => s.name === 'switchboard_http_requests_total').map((s) => s.labels.route));
    assert.ok(![...routes].some((r) => r?.includes('101') || r?.includes('wp-login') || r?.includes('?')), [...routes].join(', '));
  });

  it('records the earlier scrape of /metrics itself once the answer is sent', async () => {
    const first = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = sampleValue(first, 'switchboard_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }) ?? 0;
    const second = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.equal(sampleValue(second, 'switchboard_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }), before + 1);
  });
});
