/**
 * A guild's activity over time, for the dashboard's charts: tickets opened and closed per UTC day, and the
 * answers to each past attendance session. Reads; a viewer token (or a session managing the guild) may call them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionAnswerCounts } from '../../storage/attendance-repository.ts';
import type { TicketDayCount } from '../../storage/ticket-repository.ts';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';
import { guildParams } from './ticket-route-support.ts';

const DAY_MS = 86_400_000;
/** Past sessions one answer lists at most (the latest of the window). */
const SESSION_STATS_LIMIT = 1_000;

const days = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number of days between 1 and 365' })
    .int('must be a whole number of days between 1 and 365')
    .min(1, 'must be at least 1')
    .max(365, 'must be at most 365')
    .default(fallback);

const ticketDaySchema = z.object({ day: z.string(), opened: z.number(), closed: z.number() });
const sessionCountsSchema = z.object({
  sessionId: z.string(),
  title: z.string(),
  startsAt: z.string(),
  yes: z.number(),
  maybe: z.number(),
  late: z.number(),
  no: z.number(),
  waitlisted: z.number(),
});

export type GuildStatsSources = {
  ticketsPerDay(guildId: string, days: number, now: number): Promise<TicketDayCount[]>;
  pastSessions(guildId: string, since: number, now: number, limit: number): Promise<SessionAnswerCounts[]>;
};

export function guildStatsRoutes(app: FastifyInstance, options: { stats: GuildStatsSources; now?: () => number }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const now = options.now ?? Date.now;

  typed.get(
    `${API_PREFIX}/guilds/:guildId/tickets/stats`,
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['tickets'],
        security: [{ bearer: [] }],
        summary: 'Tickets opened and closed per UTC day over the last `days` days (today included), every day listed',
        params: guildParams,
        querystring: z.object({ days: days(30) }),
        response: { 200: envelopeOf(z.array(ticketDaySchema)), ...commonErrorResponses },
      },
    },
    async (request) => ok(await options.stats.ticketsPerDay(request.params.guildId, request.query.days, now())),
  );

  typed.get(
    `${API_PREFIX}/guilds/:guildId/sessions/stats`,
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['attendance'],
        security: [{ bearer: [] }],
        summary: 'Sessions of the last `days` days that have ended (not cancelled), oldest first, with the count of each answer',
        params: guildParams,
        querystring: z.object({ days: days(90) }),
        response: { 200: envelopeOf(z.array(sessionCountsSchema)), ...commonErrorResponses },
      },
    },
    async (request) => {
      const at = now();
      const sessions = await options.stats.pastSessions(request.params.guildId, at - request.query.days * DAY_MS, at, SESSION_STATS_LIMIT);
      return ok(sessions.map((session) => ({ ...session, startsAt: new Date(session.startsAt).toISOString() })));
    },
  );
}
