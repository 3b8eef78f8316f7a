/** GET /api/v1/admin/oauth/stats: how account linking is going (admin only). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';

const count = z.number().int().nonnegative();

export const oauthStatsSchema = z.object({
  /** OAuth sessions started and not yet finished nor expired. */
  active: count,
  /** Sessions that linked an account. */
  used: count,
  /** Sessions burned by a callback from another browser or for another provider. */
  burned: count,
  /** Sessions that expired unused. */
  expired: count,
  /** Callbacks refused because their session was already used. */
  replaysRefused: count,
  /** Callbacks refused because their session had expired. */
  expiredRefused: count,
  /** used / (used + burned + expired); null while no session has finished. */
  successRate: z.number().min(0).max(1).nullable(),
  linkedByPlatform: z.object({ twitch: count, youtube: count, kick: count, discord: count }),
});

export type OAuthStats = z.infer<typeof oauthStatsSchema>;

export function oauthAdminRoutes(app: FastifyInstance, options: { stats: () => Promise<OAuthStats> }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    `${API_PREFIX}/admin/oauth/stats`,
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Account linking: OAuth sessions (over the last day) and linked accounts per platform',
        tags: ['linking'],
        security: [{ bearer: [] }],
        response: { 200: envelopeOf(oauthStatsSchema), ...commonErrorResponses },
      },
    },
    async () => ok(await options.stats()),
  );
}
