/**
 * Support tickets of a guild over HTTP: open, list, read, reply, assign, change, close, reopen, download the
 * transcript (the guild's categories and blocklist are in ticket-settings-routes.ts). Reads need a viewer token, changes an admin token — an
 * admin acts as staff. A refused action answers 409 (the ticket's state does not allow it) or 422 (the
 * request cannot be honoured as asked) with the service's reason as the message; nothing is written then.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TicketCategoryService } from '../../modules/tickets/ticket-category-service.ts';
import type { TicketActor } from '../../modules/tickets/ticket-lifecycle.ts';
import type { TicketChange } from '../../modules/tickets/ticket-results.ts';
import type { TicketService } from '../../modules/tickets/ticket-service.ts';
import type { TicketMessageRecord, TicketRecord } from '../../storage/ticket-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';
import { guildParams, iso, refused, snowflake, text } from './ticket-route-support.ts';
import { ticketSettingsRoutes } from './ticket-settings-routes.ts';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUSES = ['open', 'assigned', 'pending', 'closed'] as const;

const ticketParams = guildParams.extend({ number: z.coerce.number().int().min(1).max(2_147_483_647) });
const ticketSchema = z.object({
  id: z.string(),
  guildId: z.string(),
  number: z.number(),
  categoryId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  priority: z.enum(PRIORITIES),
  status: z.enum(STATUSES),
  creatorId: z.string(),
  assigneeId: z.string().nullable(),
  threadId: z.string().nullable(),
  channelId: z.string().nullable(),
  closeReason: z.string().nullable(),
  closedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  lastActivityAt: z.string(),
  rating: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const messageSchema = z.object({
  id: z.string(),
  discordMessageId: z.string().nullable(),
  authorId: z.string(),
  authorName: z.string(),
  content: z.string(),
  source: z.enum(['discord', 'api']),
  createdAt: z.string(),
});

function presentTicket(t: TicketRecord): z.infer<typeof ticketSchema> {
  return {
    id: t.id,
    guildId: t.guildId,
    number: t.number,
    categoryId: t.categoryId,
    title: t.title,
    description: t.description,
    priority: t.priority,
    status: t.status,
    creatorId: t.creatorId,
    assigneeId: t.assigneeId,
    threadId: t.threadId,
    channelId: t.channelId,
    closeReason: t.closeReason,
    closedBy: t.closedBy,
    closedAt: iso(t.closedAt),
    lastActivityAt: iso(t.lastActivityAt)!,
    rating: t.rating,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}

function presentMessage(m: TicketMessageRecord): z.infer<typeof messageSchema> {
  return { id: m.id, discordMessageId: m.discordMessageId, authorId: m.authorId, authorName: m.authorName, content: m.content, source: m.source, createdAt: iso(m.createdAt)! };
}

/** An admin API caller acts as staff; `id` names who did it where the body does not say. */
function apiActor(request: FastifyRequest, id?: string): TicketActor {
  const principal = request.principal;
  const caller = principal?.kind === 'token' ? `api:${principal.name}` : 'api';
  return { id: id ?? caller, isStaff: true };
}

export type TicketRoutesOptions = {
  tickets: TicketService;
  categories: TicketCategoryService;
  /** Told of every change made through the API, so that Discord shows it too (the thread, notes, closing). */
  onChange?: (change: TicketChange) => Promise<void>;
};

export function ticketRoutes(app: FastifyInstance, options: TicketRoutesOptions): void {
  ticketSettingsRoutes(app, { tickets: options.tickets, categories: options.categories });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['tickets'], security: [{ bearer: [] }] };
  const { tickets } = options;
  const base = `${API_PREFIX}/guilds/:guildId/tickets`;
  const refusals = { 404: errorEnvelope, 409: errorEnvelope, 422: errorEnvelope, ...commonErrorResponses };
  const ticketEnvelope = envelopeOf(ticketSchema);

  typed.post(
    base,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Open a ticket for a member (checks the blocklist, the open-ticket limit and the cooldown)',
        params: guildParams,
        body: z
          .object({
            title: text(100),
            description: text(4000),
            category: z.string().trim().min(1).max(100).nullable().optional(),
            priority: z.enum(PRIORITIES).default('normal'),
            creatorId: snowflake,
          })
          .strict(),
        response: { 201: ticketEnvelope, ...refusals },
      },
    },
    async (request, reply) => {
      const result = await tickets.create({ guildId: request.params.guildId, ...request.body });
      if (!result.ok) refused(result);
      await options.onChange?.(result);
      return reply.status(201).send(ok(presentTicket(result.ticket)));
    },
  );

  typed.get(
    base,
    {
      config: { auth: 'viewer' },
      schema: {
        ...common,
        summary: 'Tickets of the guild, newest first, with filters and paging',
        params: guildParams,
        querystring: z
          .object({
            status: z.enum(STATUSES).optional(),
            category: z.string().min(1).max(64).optional(),
            assignee: snowflake.optional(),
            creator: snowflake.optional(),
            q: z.string().trim().min(1).max(100).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(25),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          })
          .strict(),
        response: { 200: envelopeOf(z.object({ tickets: z.array(ticketSchema), total: z.number() })), ...commonErrorResponses },
      },
    },
    async (request) => {
      const { status, category, assignee, creator, q, limit, offset } = request.query;
      const result = await tickets.list({
        guildId: request.params.guildId,
        ...(status !== undefined ? { status } : {}),
        ...(category !== undefined ? { categoryId: category } : {}),
        ...(assignee !== undefined ? { assigneeId: assignee } : {}),
        ...(creator !== undefined ? { creatorId: creator } : {}),
        ...(q !== undefined ? { search: q } : {}),
        limit,
        offset,
      });
      return ok({ tickets: result.tickets.map(presentTicket), total: result.total });
    },
  );

  typed.get(
    `${base}/:number`,
    {
      config: { auth: 'viewer' },
      schema: {
        ...common,
        summary: 'One ticket with its messages',
        params: ticketParams,
        response: { 200: envelopeOf(z.object({ ticket: ticketSchema, messages: z.array(messageSchema) })), 404: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      const found = await tickets.details(request.params);
      if (!found) throw new ApiError(404, 'not_found', `There is no ticket #${request.params.number} in this server.`);
      return ok({ ticket: presentTicket(found.ticket), messages: found.messages.map(presentMessage) });
    },
  );

  typed.post(
    `${base}/:number/messages`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Reply to a ticket as staff',
        params: ticketParams,
        body: z.object({ authorId: snowflake, authorName: text(100), content: text(4000) }).strict(),
        response: { 201: envelopeOf(z.object({ ticket: ticketSchema, message: messageSchema })), ...refusals },
      },
    },
    async (request, reply) => {
      const result = await tickets.addMessage(request.params, { ...request.body, source: 'api', isStaff: true });
      if (!result.ok) refused(result);
      await options.onChange?.(result);
      return reply.status(201).send(ok({ ticket: presentTicket(result.ticket), message: presentMessage(result.message) }));
    },
  );

  typed.post(
    `${base}/:number/assign`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Assign a ticket to a staff member (refused when someone has it already)',
        params: ticketParams,
        body: z.object({ assigneeId: snowflake }).strict(),
        response: { 200: ticketEnvelope, ...refusals },
      },
    },
    async (request) => {
      const result = await tickets.assign(request.params, request.body.assigneeId, apiActor(request));
      if (!result.ok) refused(result);
      await options.onChange?.(result);
      return ok(presentTicket(result.ticket));
    },
  );

  typed.patch(
    `${base}/:number`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Set the status (open or pending) and/or priority; close and reopen have their own routes',
        params: ticketParams,
        body: z
          .object({ status: z.enum(['open', 'pending']).optional(), priority: z.enum(PRIORITIES).optional() })
          .strict()
          .refine((body) => body.status !== undefined || body.priority !== undefined, 'give a status, a priority or both'),
        response: { 200: ticketEnvelope, ...refusals },
      },
    },
    async (request) => {
      const result = await tickets.update(request.params, request.body, apiActor(request));
      if (!result.ok) refused(result);
      await options.onChange?.(result);
      return ok(presentTicket(result.ticket));
    },
  );

  typed.post(
    `${base}/:number/close`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Close a ticket; its transcript is stored at the same time',
        params: ticketParams,
        body: z.object({ reason: z.string().trim().min(1).max(1000).optional(), closedBy: snowflake }).strict(),
        response: { 200: ticketEnvelope, ...refusals },
      },
    },
    async (request) => {
      const result = await tickets.close(request.params, { reason: request.body.reason ?? null }, apiActor(request, request.body.closedBy));
      if (!result.ok) refused(result);
      await options.onChange?.(result);
      return ok(presentTicket(result.ticket));
    },
  );

  typed.post(
    `${base}/:number/reopen`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Reopen a closed ticket (back in the queue, unassigned)',
        params: ticketParams,
        // Nullish: a POST without a body reaches validation as null.
        body: z.object({ reopenedBy: snowflake.optional() }).strict().nullish(),
        response: { 200: ticketEnvelope, ...refusals },
      },
    },
    async (request) => {
      const result = await tickets.reopen(request.params, apiActor(request, request.body?.reopenedBy));
      if (!result.ok) refused(result);
      await options.onChange?.(result);
      return ok(presentTicket(result.ticket));
    },
  );

  typed.get(
    `${base}/:number/transcript`,
    {
      config: { auth: 'viewer' },
      schema: {
        ...common,
        summary: 'Download the transcript of a closed ticket as text or HTML (a file, not the JSON envelope)',
        params: ticketParams,
        querystring: z.object({ format: z.enum(['text', 'html']).default('text') }).strict(),
        // No response schemas: the body is the file itself, which a schema's serializer would quote as JSON.
      },
    },
    async (request, reply) => {
      const { number } = request.params;
      const transcript = await tickets.transcript(request.params);
      if (!transcript) {
        throw new ApiError(404, 'not_found', `Ticket #${number} has no transcript: there is no such ticket, or it has never been closed.`);
      }
      const html = request.query.format === 'html';
      // An attachment the browser must not sniff or run: the HTML is escaped, and this is a second fence.
      return reply
        .header('content-disposition', `attachment; filename="ticket-${number}.${html ? 'html' : 'txt'}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .type(html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')
        .send(html ? transcript.html : transcript.text);
    },
  );
}
