/** Liveness and readiness for orchestrators and load balancers. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * A dependency's readiness: resolving means ready, resolving with `{ degraded }` means working but
 * impaired (the gateway reconnecting), throwing means not ready.
 */
export type ReadinessCheck = { name: string; check(): Promise<void | { degraded: string }> };

type CheckResult = { state: 'ok' | 'degraded' | 'failed'; detail: string };

const READINESS_CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  try {
    const result = await Promise.race([
      check.check(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${READINESS_CHECK_TIMEOUT_MS} ms`)), READINESS_CHECK_TIMEOUT_MS).unref(),
      ),
    ]);
    return result && typeof result === 'object' && 'degraded' in result
      ? { state: 'degraded', detail: String(result.degraded) }
      : { state: 'ok', detail: 'ok' };
  } catch (error) {
    return { state: 'failed', detail: error instanceof Error ? error.message : String(error) };
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

  const readiness = z.object({ status: z.enum(['healthy', 'degraded', 'unhealthy']), checks: z.record(z.string(), z.string()) });
  typed.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: 200 healthy, 200 degraded (the gateway is reconnecting), 503 unhealthy',
        tags: ['health'],
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(options.checks.map(async (c) => [c.name, await runCheck(c)] as const));
      const checks = Object.fromEntries(results.map(([name, r]) => [name, r.detail]));
      if (results.some(([, r]) => r.state === 'failed')) return reply.status(503).send({ status: 'unhealthy' as const, checks });
      const degraded = results.some(([, r]) => r.state === 'degraded');
      return reply.status(200).send({ status: degraded ? ('degraded' as const) : ('healthy' as const), checks });
    },
  );
}
