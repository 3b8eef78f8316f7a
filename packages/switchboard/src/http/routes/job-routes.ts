/** GET /api/v1/jobs: every scheduled job with its last run. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { JobRepository } from '../../storage/job-repository.ts';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const jobRunSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'timed_out', 'abandoned']),
  error: z.string().nullable(),
});

const jobSchema = z.object({
  name: z.string(),
  intervalMs: z.number(),
  nextRunAt: z.string(),
  runningOn: z.string().nullable(),
  lastRun: jobRunSchema.nullable(),
});

export function jobRoutes(app: FastifyInstance, jobs: JobRepository): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    `${API_PREFIX}/jobs`,
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Scheduled jobs and their last runs',
        tags: ['jobs'],
        security: [{ bearer: [] }],
        response: { 200: envelopeOf(z.array(jobSchema)), ...commonErrorResponses },
      },
    },
    async () => {
      const overview = await jobs.overview();
      const now = Date.now();
      return ok(
        overview.map((job) => ({
          name: job.name,
          intervalMs: job.intervalMs,
          nextRunAt: new Date(job.nextRunAt).toISOString(),
          runningOn: job.leaseOwner && (job.leaseExpiresAt ?? 0) > now ? job.leaseOwner : null,
          lastRun: job.lastRun
            ? {
                id: job.lastRun.id,
                instanceId: job.lastRun.instanceId,
                startedAt: new Date(job.lastRun.startedAt).toISOString(),
                finishedAt: iso(job.lastRun.finishedAt),
                durationMs: job.lastRun.durationMs,
                outcome: job.lastRun.outcome,
                error: job.lastRun.error,
              }
            : null,
        })),
      );
    },
  );
}
