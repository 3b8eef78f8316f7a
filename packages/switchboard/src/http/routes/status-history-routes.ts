/** The last hour of the hub's activity in 10-second points, for the dashboard's status charts. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StatusPoint } from '../../metrics/status-history.ts';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';

const historySchema = z.object({
  intervalSeconds: z.number(),
  points: z.array(
    z.object({
      at: z.string(),
      eventsPerSecond: z.number(),
      deliveryP95Ms: z.number().nullable(),
      interactionP95Ms: z.number().nullable(),
    }),
  ),
});

export type StatusHistorySource = { readonly intervalMs: number; points(): StatusPoint[] };

export function statusHistoryRoutes(app: FastifyInstance, options: { history: StatusHistorySource }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    `${API_PREFIX}/status/history`,
    {
      config: { auth: 'viewer', dashboard: 'signed-in' },
      schema: {
        tags: ['bot'],
        security: [{ bearer: [] }],
        summary: 'The last hour in 10-second points: gateway events per second, webhook delivery and interaction response p95',
        response: { 200: envelopeOf(historySchema), ...commonErrorResponses },
      },
    },
    async () => {
      const { history } = options;
      return ok({
        intervalSeconds: history.intervalMs / 1000,
        points: history.points().map((point) => ({ ...point, at: new Date(point.at).toISOString() })),
      });
    },
  );
}
