/**
 * Attendance sessions of a guild over HTTP: plan, list, read, change, cancel, answer for a member, the
 * attendance lists and their CSV, a member's history, and the calendar feeds. Reads need a viewer token,
 * changes an admin token. The two .ics feeds take no bearer token (calendar apps cannot send one) but a
 * secret token in the URL, an HMAC of the guild (and member) under the server's key; a wrong one is a 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AttendanceRefusal } from '../../modules/attendance/attendance-rules.ts';
import type { AttendanceService, RespondResult, SessionCancelResult, SessionEditResult, SessionResult } from '../../modules/attendance/attendance-service.ts';
import type { AttendanceSummary } from '../../modules/attendance/attendance-summary.ts';
import { feedToken, isFeedToken } from '../../modules/attendance/calendar-token.ts';
import type { AttendanceResponseRecord, AttendanceSessionRecord } from '../../storage/attendance-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

const ANSWERS = ['yes', 'maybe', 'late', 'no'] as const;

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
const guildParams = z.object({ guildId: snowflake });
const sessionParams = guildParams.extend({ id: z.string().uuid() });
const memberParams = guildParams.extend({ userId: snowflake });
const iso = (ms: number) => new Date(ms).toISOString();
const instant = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));

const sessionSchema = z.object({
  id: z.string(),
  guildId: z.string(),
  channelId: z.string(),
  messageId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  timezone: z.string(),
  capacity: z.number().nullable(),
  allowedRoleIds: z.array(z.string()),
  recurrence: z.enum(['weekly']).nullable(),
  intervalWeeks: z.number().nullable(),
  seriesId: z.string(),
  occurrenceIndex: z.number(),
  status: z.enum(['scheduled', 'cancelled']),
  createdBy: z.string(),
  appId: z.string().nullable(),
  reminderMinutesBefore: z.number().nullable(),
  calendarEventId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const responseSchema = z.object({ userId: z.string(), answer: z.enum(ANSWERS), waitlistPosition: z.number().nullable(), respondedAt: z.string() });

const summarySchema = z.object({
  yes: z.array(responseSchema),
  waitlist: z.array(responseSchema),
  maybe: z.array(responseSchema),
  late: z.array(responseSchema),
  no: z.array(responseSchema),
  counts: z.object({ yes: z.number(), waitlist: z.number(), maybe: z.number(), late: z.number(), no: z.number() }),
});

function presentSession(s: AttendanceSessionRecord): z.infer<typeof sessionSchema> {
  return { ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) };
}

function presentResponse(r: AttendanceResponseRecord): z.infer<typeof responseSchema> {
  return { userId: r.userId, answer: r.answer, waitlistPosition: r.waitlistPosition, respondedAt: iso(r.respondedAt) };
}

function presentSummary(s: AttendanceSummary): z.infer<typeof summarySchema> {
  return { yes: s.yes.map(presentResponse), waitlist: s.waitlist.map(presentResponse), maybe: s.maybe.map(presentResponse), late: s.late.map(presentResponse), no: s.no.map(presentResponse), counts: s.counts };
}

const REFUSAL_STATUS: Record<AttendanceRefusal['code'], number> = { not_found: 404, conflict: 409, not_allowed: 422, invalid: 422 };

function refused(refusal: AttendanceRefusal): never {
  throw new ApiError(REFUSAL_STATUS[refusal.code], refusal.code, refusal.reason);
}

function noSuchSession(id: string): never {
  throw new ApiError(404, 'not_found', `There is no session ${id} in this server.`);
}

const text = (max: number) => z.string().trim().min(1).max(max);

const planFields = {
  channelId: snowflake,
  title: text(200),
  description: z.string().max(4000),
  startsAt: instant,
  endsAt: instant,
  timezone: z.string().min(1).max(64),
  capacity: z.number().int().min(1).max(10_000).nullable(),
  allowedRoleIds: z.array(snowflake).max(25),
  recurrence: z.enum(['weekly']).nullable(),
  intervalWeeks: z.number().int().min(1).max(52).nullable(),
  reminderMinutesBefore: z.number().int().min(1).max(10_080).nullable(),
};

/** What a change made through the API is reported as, so that Discord shows it too. */
export type AttendanceApiChange =
  | { kind: 'created'; result: SessionResult }
  | { kind: 'edited'; result: SessionEditResult }
  | { kind: 'cancelled'; result: SessionCancelResult }
  | { kind: 'responded'; result: RespondResult };

export type AttendanceRoutesOptions = {
  attendance: AttendanceService;
  /** The server's key for the calendar feed tokens (keep it secret; changing it changes every feed URL). */
  calendarKey: string | Buffer;
  /** The hub's public base URL, for the feed links. */
  publicUrl: string;
  onChange?: (change: AttendanceApiChange) => Promise<void>;
};

export function attendanceRoutes(app: FastifyInstance, options: AttendanceRoutesOptions): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['attendance'], security: [{ bearer: [] }] };
  const { attendance } = options;
  const guildBase = `${API_PREFIX}/guilds/:guildId`;
  const base = `${guildBase}/sessions`;
  const refusals = { 404: errorEnvelope, 409: errorEnvelope, 422: errorEnvelope, ...commonErrorResponses };
  const sessionEnvelope = envelopeOf(sessionSchema);
  const ref = (params: { guildId: string; id: string }) => ({ guildId: params.guildId, sessionId: params.id });

  typed.post(
    base,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Plan a session (times in ISO 8601; the time zone is the IANA zone it repeats in)',
        params: guildParams,
        body: z
          .object({
            ...planFields,
            description: planFields.description.default(''),
            capacity: planFields.capacity.default(null),
            allowedRoleIds: planFields.allowedRoleIds.default([]),
            recurrence: planFields.recurrence.default(null),
            intervalWeeks: planFields.intervalWeeks.optional(),
            reminderMinutesBefore: planFields.reminderMinutesBefore.default(null),
            createdBy: snowflake,
            appId: z.string().min(1).max(64).nullable().default(null),
          })
          .strict(),
        response: { 201: sessionEnvelope, ...refusals },
      },
    },
    async (request, reply) => {
      const { intervalWeeks, ...body } = request.body;
      const result = await attendance.create({ guildId: request.params.guildId, ...body, ...(intervalWeeks !== undefined ? { intervalWeeks } : {}) });
      if (!result.ok) refused(result);
      await options.onChange?.({ kind: 'created', result });
      return reply.status(201).send(ok(presentSession(result.session)));
    },
  );

  typed.get(
    base,
    {
      config: { auth: 'viewer' },
      schema: {
        ...common,
        summary: 'Upcoming sessions (soonest first) or past ones (latest first)',
        params: guildParams,
        querystring: z
          .object({
            when: z.enum(['upcoming', 'past']).default('upcoming'),
            limit: z.coerce.number().int().min(1).max(100).default(25),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          })
          .strict(),
        response: { 200: envelopeOf(z.object({ sessions: z.array(sessionSchema), total: z.number() })), ...commonErrorResponses },
      },
    },
    async (request) => {
      const result = await attendance.list({ guildId: request.params.guildId, ...request.query });
      return ok({ sessions: result.sessions.map(presentSession), total: result.total });
    },
  );

  typed.get(
    `${base}/:id`,
    {
      config: { auth: 'viewer' },
      schema: { ...common, summary: 'One session', params: sessionParams, response: { 200: sessionEnvelope, 404: errorEnvelope, ...commonErrorResponses } },
    },
    async (request) => {
      const session = await attendance.get(ref(request.params));
      if (!session) noSuchSession(request.params.id);
      return ok(presentSession(session));
    },
  );

  typed.patch(
    `${base}/:id`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Change a session; a larger capacity gives places to the first in line',
        params: sessionParams,
        body: z
          .object(planFields)
          .partial()
          .strict()
          .refine((body) => Object.keys(body).length > 0, 'give at least one field to change'),
        response: { 200: envelopeOf(z.object({ session: sessionSchema, promoted: z.array(responseSchema) })), ...refusals },
      },
    },
    async (request) => {
      const result = await attendance.edit(ref(request.params), request.body);
      if (!result.ok) refused(result);
      await options.onChange?.({ kind: 'edited', result });
      return ok({ session: presentSession(result.session), promoted: result.promoted.map(presentResponse) });
    },
  );

  typed.post(
    `${base}/:id/cancel`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Cancel a session; answers with the members who had a place, to be told',
        params: sessionParams,
        body: z.object({}).strict().nullish(),
        response: { 200: envelopeOf(z.object({ session: sessionSchema, notifyUserIds: z.array(z.string()) })), ...refusals },
      },
    },
    async (request) => {
      const result = await attendance.cancel(ref(request.params));
      if (!result.ok) refused(result);
      await options.onChange?.({ kind: 'cancelled', result });
      return ok({ session: presentSession(result.session), notifyUserIds: result.notifyUserIds });
    },
  );

  typed.post(
    `${base}/:id/responses`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: "Record a member's answer (for apps and the dashboard); roleIds, when given, are checked",
        params: sessionParams,
        body: z.object({ userId: snowflake, answer: z.enum(ANSWERS), roleIds: z.array(snowflake).max(250).optional() }).strict(),
        response: {
          200: envelopeOf(z.object({ response: responseSchema, changed: z.boolean(), promoted: z.array(responseSchema), counts: summarySchema.shape.counts })),
          ...refusals,
        },
      },
    },
    async (request) => {
      const result = await attendance.respond(ref(request.params), request.body);
      if (!result.ok) refused(result);
      if (result.changed) await options.onChange?.({ kind: 'responded', result });
      return ok({ response: presentResponse(result.response), changed: result.changed, promoted: result.promoted.map(presentResponse), counts: result.summary.counts });
    },
  );

  typed.get(
    `${base}/:id/attendance`,
    {
      config: { auth: 'viewer' },
      schema: {
        ...common,
        summary: 'Who answered what, the waitlist in order, and the counts',
        params: sessionParams,
        response: { 200: envelopeOf(z.object({ session: sessionSchema, attendance: summarySchema })), 404: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      const found = await attendance.attendance(ref(request.params));
      if (!found) noSuchSession(request.params.id);
      return ok({ session: presentSession(found.session), attendance: presentSummary(found.summary) });
    },
  );

  typed.get(
    `${base}/:id/attendance.csv`,
    { config: { auth: 'viewer' }, schema: { ...common, summary: 'The answers as a CSV download', params: sessionParams } },
    async (request, reply) => {
      const csv = await attendance.csv(ref(request.params));
      if (csv === undefined) noSuchSession(request.params.id);
      return reply
        .header('content-disposition', `attachment; filename="attendance-${request.params.id}.csv"`)
        .header('x-content-type-options', 'nosniff')
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );

  typed.get(
    `${guildBase}/members/:userId/attendance`,
    {
      config: { auth: 'viewer' },
      schema: {
        ...common,
        summary: "A member's answers in the guild, latest session first",
        params: memberParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        response: { 200: envelopeOf(z.object({ entries: z.array(z.object({ session: sessionSchema, response: responseSchema })) })), ...commonErrorResponses },
      },
    },
    async (request) => {
      const entries = await attendance.history(request.params.guildId, request.params.userId, request.query.limit);
      return ok({ entries: entries.map((e) => ({ session: presentSession(e.session), response: presentResponse(e.response) })) });
    },
  );

  const feedUrl = (path: string, token: string) => `${options.publicUrl.replace(/\/+$/, '')}${path}?token=${token}`;

  typed.get(
    `${guildBase}/calendar-links/:userId`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: "The secret URLs of the guild's and the member's calendar feeds",
        params: memberParams,
        response: { 200: envelopeOf(z.object({ guildFeedUrl: z.string(), memberFeedUrl: z.string() })), ...commonErrorResponses },
      },
    },
    async (request) => {
      const { guildId, userId } = request.params;
      return ok({
        guildFeedUrl: feedUrl(`${API_PREFIX}/guilds/${guildId}/calendar.ics`, feedToken(options.calendarKey, { guildId })),
        memberFeedUrl: feedUrl(`${API_PREFIX}/guilds/${guildId}/members/${userId}/calendar.ics`, feedToken(options.calendarKey, { guildId, userId })),
      });
    },
  );

  const feedQuery = z.object({ token: z.string().max(200).default('') }).strict();
  const noFeed = () => new ApiError(404, 'not_found', 'There is no such calendar.');
  const sendIcs = (reply: { header(name: string, value: string): unknown; type(t: string): { send(body: string): unknown } }, body: string) => {
    reply.header('cache-control', 'private, max-age=300');
    return reply.type('text/calendar; charset=utf-8').send(body);
  };

  typed.get(
    `${guildBase}/calendar.ics`,
    { config: { auth: 'public' }, schema: { tags: ['attendance'], summary: "The guild's sessions as iCalendar (secret token in the URL)", params: guildParams, querystring: feedQuery } },
    async (request, reply) => {
      const { guildId } = request.params;
      if (!isFeedToken(options.calendarKey, { guildId }, request.query.token)) throw noFeed();
      return sendIcs(reply, await attendance.guildFeed(guildId, { name: 'Sessions' }));
    },
  );

  typed.get(
    `${guildBase}/members/:userId/calendar.ics`,
    {
      config: { auth: 'public' },
      schema: { tags: ['attendance'], summary: "The sessions a member is going to, as iCalendar (secret token in the URL)", params: memberParams, querystring: feedQuery },
    },
    async (request, reply) => {
      const { guildId, userId } = request.params;
      if (!isFeedToken(options.calendarKey, { guildId, userId }, request.query.token)) throw noFeed();
      return sendIcs(reply, await attendance.memberFeed(guildId, userId, { name: 'My sessions' }));
    },
  );
}
