/**
 * A guild's ticket settings over HTTP: its ticket categories, and the members blocked from opening tickets.
 * Reads need a viewer token, changes an admin token.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TicketCategoryService } from '../../modules/tickets/ticket-category-service.ts';
import type { TicketService } from '../../modules/tickets/ticket-service.ts';
import type { TicketCategoryRecord } from '../../storage/ticket-category-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';
import { guildParams, iso, refused, snowflake } from './ticket-route-support.ts';
import { TICKET_CATEGORY_FIELDS } from '../../config/guild-config/guild-config-schema.ts';

const categoryParams = guildParams.extend({ categoryId: z.string().min(1).max(64) });

const categorySchema = z.object({
  id: z.string(),
  name: z.string(),
  emoji: z.string().nullable(),
  description: z.string().nullable(),
  staffRoleIds: z.array(z.string()),
  pingRoleIds: z.array(z.string()),
  channelName: z.string().nullable(),
  createdAt: z.string(),
});

function presentCategory(c: TicketCategoryRecord): z.infer<typeof categorySchema> {
  return { id: c.id, name: c.name, emoji: c.emoji, description: c.description, staffRoleIds: c.staffRoleIds, pingRoleIds: c.pingRoleIds, channelName: c.channelName, createdAt: iso(c.createdAt)! };
}

const categoryFields = TICKET_CATEGORY_FIELDS;

export function ticketSettingsRoutes(app: FastifyInstance, options: { tickets: TicketService; categories: TicketCategoryService }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['tickets'], security: [{ bearer: [] }] };
  const { tickets, categories } = options;
  const refusals = { 404: errorEnvelope, 409: errorEnvelope, 422: errorEnvelope, ...commonErrorResponses };

  const blocklistBase = `${API_PREFIX}/guilds/:guildId/ticket-blocklist/:userId`;
  const blockSchema = z.object({ guildId: z.string(), userId: z.string(), reason: z.string().nullable(), createdAt: z.string() });

  typed.put(
    blocklistBase,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Stop a member from opening tickets in this guild',
        params: guildParams.extend({ userId: snowflake }),
        body: z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict().default({}),
        response: { 200: envelopeOf(blockSchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const entry = await tickets.block({ guildId: request.params.guildId, userId: request.params.userId, reason: request.body.reason ?? null });
      return ok({ ...entry, createdAt: new Date(entry.createdAt).toISOString() });
    },
  );

  typed.delete(
    blocklistBase,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Let a blocked member open tickets again',
        params: guildParams.extend({ userId: snowflake }),
        response: { 200: envelopeOf(z.object({ unblocked: z.literal(true) })), 404: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      if (!(await tickets.unblock(request.params.guildId, request.params.userId))) throw new ApiError(404, 'not_found', 'That member is not blocked.');
      return ok({ unblocked: true as const });
    },
  );

  const categoriesBase = `${API_PREFIX}/guilds/:guildId/ticket-categories`;

  typed.get(
    categoriesBase,
    {
      config: { auth: 'viewer' },
      schema: { ...common, summary: "The guild's ticket categories", params: guildParams, response: { 200: envelopeOf(z.array(categorySchema)), ...commonErrorResponses } },
    },
    async (request) => ok((await categories.list(request.params.guildId)).map(presentCategory)),
  );

  typed.post(
    categoriesBase,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Add a ticket category (names are unique per guild)',
        params: guildParams,
        body: z
          .object({
            ...categoryFields,
            emoji: categoryFields.emoji.default(null),
            description: categoryFields.description.default(null),
            staffRoleIds: categoryFields.staffRoleIds.default([]),
            pingRoleIds: categoryFields.pingRoleIds.default([]),
            channelName: categoryFields.channelName.default(null),
          })
          .strict(),
        response: { 201: envelopeOf(categorySchema), ...refusals },
      },
    },
    async (request, reply) => {
      const result = await categories.create(request.params.guildId, request.body);
      if (!result.ok) refused(result);
      return reply.status(201).send(ok(presentCategory(result.category)));
    },
  );

  typed.patch(
    `${categoriesBase}/:categoryId`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Change a ticket category',
        params: categoryParams,
        body: z.object(categoryFields).partial().strict(),
        response: { 200: envelopeOf(categorySchema), ...refusals },
      },
    },
    async (request) => {
      const result = await categories.update(request.params.guildId, request.params.categoryId, request.body);
      if (!result.ok) refused(result);
      return ok(presentCategory(result.category));
    },
  );

  typed.delete(
    `${categoriesBase}/:categoryId`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Delete a ticket category without open tickets (closed ones keep their rows, without a category)',
        params: categoryParams,
        response: { 200: envelopeOf(z.object({ deleted: z.literal(true) })), ...refusals },
      },
    },
    async (request) => {
      const result = await categories.delete(request.params.guildId, request.params.categoryId);
      if (!result.ok) refused(result);
      return ok({ deleted: true as const });
    },
  );
}
