/** A guild's labels for the attendance buttons ("Yes, I can attend", "Maybe", "Late", "No"). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BUTTON_LABEL_MAX } from 'discord-limits';
import type { AttendanceLabelsRepository } from '../../storage/attendance-labels-repository.ts';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';

const label = z.string().trim().min(1).max(BUTTON_LABEL_MAX);
const labelsSchema = z.object({ yes: label.optional(), maybe: label.optional(), late: label.optional(), no: label.optional() }).strict();

export function attendanceLabelRoutes(app: FastifyInstance, options: { labels: AttendanceLabelsRepository; onChange: (guildId: string) => Promise<void> }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const url = `${API_PREFIX}/guilds/:guildId/attendance-labels`;
  const params = z.object({ guildId: z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)') });
  const common = { tags: ['attendance'], security: [{ bearer: [] }] };

  typed.get(
    url,
    { config: { auth: 'viewer' }, schema: { ...common, summary: "The guild's button labels (missing ones are the defaults)", params, response: { 200: envelopeOf(labelsSchema), ...commonErrorResponses } } },
    async (request) => ok(await options.labels.get(request.params.guildId)),
  );

  typed.put(
    url,
    {
      config: { auth: 'admin' },
      schema: { ...common, summary: "Set the guild's button labels; a missing one goes back to the default", params, body: labelsSchema, response: { 200: envelopeOf(labelsSchema), ...commonErrorResponses } },
    },
    async (request) => {
      await options.labels.set(request.params.guildId, request.body, Date.now());
      await options.onChange(request.params.guildId);
      return ok(request.body);
    },
  );
}
