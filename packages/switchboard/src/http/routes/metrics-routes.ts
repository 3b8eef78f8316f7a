/**
 * GET /metrics for Prometheus, and the hook that measures every HTTP request. /metrics lives outside
 * /api/v1 on purpose: scrapers expect it there, and it carries counts, never ids or content.
 */
import type { FastifyInstance } from 'fastify';
import type { HubMetrics } from '../../metrics/hub-metrics.ts';

/** The route label of requests no route matched, so that scanners probing random URLs add one series, not thousands. */
export const UNMATCHED_ROUTE = 'unmatched';

export function metricsRoutes(app: FastifyInstance, metrics: HubMetrics): void {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['health'], hide: true } },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metricsText()),
  );
}

/**
 * Records each request's route template, method, status and duration once the answer is sent. Add it
 * before the routes are registered so that it covers all of them.
 */
export function httpMetricsHook(app: FastifyInstance, metrics: HubMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.recordHttpRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
}
