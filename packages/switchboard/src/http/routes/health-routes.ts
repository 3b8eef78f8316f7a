/** Liveness and readiness for orchestrators and load balancers. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

export type ReadinessCheck = { name: string; check(): Promise<void> };

const READINESS_CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<{ ok: boolean; detail: string }> {
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${READINESS_CHECK_TIMEOUT_MS} ms`)), READINESS_CHECK_TIMEOUT_MS).unref(),
      ),
    ]);
    return { ok: true, detail: 'ok' };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

export function healthRoutes(app: FastifyInstance, options: { version: string; startedAt: number; checks: ReadinessCheck[] }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/health',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['health'],
        response: { 200: z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() }) },
      },
    },
    async () => ({ status: 'ok' as const, version: options.version, uptimeSeconds: Math.round((Date.now() - options.startedAt) / 1000) }),
  );

  const readiness = z.object({ status: z.enum(['healthy', 'unhealthy']), checks: z.record(z.string(), z.string()) });
  typed.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: the dependencies answer',
        tags: ['health'],
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(options.checks.map(async (c) => [c.name, await runCheck(c)] as const));
      const healthy = results.every(([, r]) => r.ok);
      const checks = Object.fromEntries(results.map(([name, r]) => [name, r.detail]));
      return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'healthy' : 'unhealthy', checks });
    },
  );
}
