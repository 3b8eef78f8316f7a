/**
 * A guild's labels for the attendance buttons ("Yes, I can attend", "Maybe", "Late", "No"). They are part of
 * the guild's configuration (`attendance.labels`); this route reads and sets just them, audited like any
 * other change (upcoming sessions' messages follow through the configuration's change listeners).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BUTTON_LABEL_MAX } from 'discord-limits';
import type { GuildConfigService } from '../../config/guild-config/guild-config-service.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';
import { actorOf } from '../auth.ts';

const label = z.string().trim().min(1).max(BUTTON_LABEL_MAX);
const labelsSchema = z.object({ yes: label.optional(), maybe: label.optional(), late: label.optional(), no: label.optional() }).strict();
const effectiveLabels = z.object({ yes: z.string(), maybe: z.string(), late: z.string(), no: z.string() });

export function attendanceLabelRoutes(app: FastifyInstance, options: { configs: GuildConfigService }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const url = `${API_PREFIX}/guilds/:guildId/attendance-labels`;
  const params = z.object({ guildId: z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)') });
  const common = { tags: ['attendance'], security: [{ bearer: [] }] };

  typed.get(
    url,
    { config: { auth: 'viewer' }, schema: { ...common, summary: "The guild's button labels in effect", params, response: { 200: envelopeOf(effectiveLabels), ...commonErrorResponses } } },
    async (request) => ok((await options.configs.get(request.params.guildId)).attendance.labels),
  );

  typed.put(
    url,
    {
      config: { auth: 'admin' },
      schema: { ...common, summary: "Set the guild's button labels; a missing one goes back to the default", params, body: labelsSchema, response: { 200: envelopeOf(effectiveLabels), ...commonErrorResponses } },
    },
    async (request) => {
      const { guildId } = request.params;
      const labels = { yes: request.body.yes ?? null, maybe: request.body.maybe ?? null, late: request.body.late ?? null, no: request.body.no ?? null };
      const result = await options.configs.change(guildId, { kind: 'patch', patch: { attendance: { labels } } }, { id: actorOf(request.principal), source: request.principal?.kind === 'session' ? 'dashboard' : 'api' });
      if (!result.ok) throw new ApiError(422, 'invalid_config', 'The labels were not changed.', result.issues);
      return ok(result.config.attendance.labels);
    },
  );
}
