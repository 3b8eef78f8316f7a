/** An app's webhook deliveries: the list with attempts, redelivery, and a ping to test the endpoint. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeliveryService } from '../../broker/delivery-service.ts';
import type { WebhookDeliveryRecord } from '../../storage/webhook-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

const STATUSES = ['pending', 'delivering', 'delivered', 'failed', 'dead'] as const;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const deliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  attemptLog: z.array(z.object({ attempt: z.number(), startedAt: z.string(), durationMs: z.number(), statusCode: z.number().nullable(), error: z.string().nullable() })),
});

function present(d: WebhookDeliveryRecord): z.infer<typeof deliverySchema> {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    deliveredAt: iso(d.deliveredAt),
    createdAt: iso(d.createdAt)!,
    attemptLog: d.attemptLog.map((a) => ({ attempt: a.attempt, startedAt: iso(a.startedAt)!, durationMs: a.durationMs, statusCode: a.statusCode, error: a.error })),
  };
}

export function appDeliveryRoutes(app: FastifyInstance, options: { deliveries: DeliveryService; appExists: (id: string) => Promise<boolean> }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['app deliveries'], security: [{ bearer: [] }] };
  const { deliveries } = options;
  const idParams = z.object({ id: z.string().min(2).max(32) });
  const mustExist = async (id: string) => {
    if (!(await options.appExists(id))) throw new ApiError(404, 'not_found', `No app has the id ${id}.`);
  };

  typed.get(
    `${API_PREFIX}/apps/:id/deliveries`,
    {
      config: { auth: 'app' },
      schema: {
        ...common,
        summary: 'Webhook deliveries, newest first, with every attempt (status code, timing, error)',
        params: idParams,
        querystring: z.object({ status: z.enum(STATUSES).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }).strict(),
        response: { 200: envelopeOf(z.array(deliverySchema)), 404: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      await mustExist(request.params.id);
      const list = await deliveries.listDeliveries(request.params.id, { limit: request.query.limit, ...(request.query.status ? { status: request.query.status } : {}) });
      return ok(list.map(present));
    },
  );

  typed.post(
    `${API_PREFIX}/apps/:id/deliveries/:deliveryId/redeliver`,
    {
      config: { auth: 'app' },
      schema: {
        ...common,
        summary: 'Send a delivery again (same webhook-id)',
        params: idParams.extend({ deliveryId: z.string().min(1).max(100) }),
        response: { 202: envelopeOf(deliverySchema), 404: errorEnvelope, 409: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      const result = await deliveries.redeliver(request.params.id, request.params.deliveryId);
      if (!result.ok && result.reason === 'not_found') throw new ApiError(404, 'not_found', `The app has no delivery ${request.params.deliveryId}.`);
      if (!result.ok) throw new ApiError(409, 'already_queued', 'That delivery is already queued or being sent.');
      return reply.status(202).send(ok(present(result.delivery)));
    },
  );

  typed.post(
    `${API_PREFIX}/apps/:id/ping`,
    {
      config: { auth: 'app' },
      schema: {
        ...common,
        summary: 'Queue a ping event to test the endpoint',
        params: idParams,
        response: { 202: envelopeOf(z.object({ eventId: z.string(), deliveryId: z.string() })), 404: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      await mustExist(request.params.id);
      return reply.status(202).send(ok(await deliveries.enqueuePing(request.params.id)));
    },
  );
}
