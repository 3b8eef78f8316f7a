/**
 * Meetings over HTTP. GET /meetings/join/:token is the personal link `/kaltura-join` hands out (public,
 * outside /api/v1): a valid token sends the browser on to the Kaltura room with a KS minted just now;
 * anything else gets a small page saying what to do. It logs at warn only, because Fastify's request lines
 * would otherwise write the token (it is in the URL) to the log. GET /api/v1/guilds/:guildId/meetings lists
 * a guild's meetings for the dashboard (viewer token).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OpenJoinResult } from '../../modules/meetings/meeting-service.ts';
import type { MeetingRecord } from '../../storage/meeting-repository.ts';
import type { MeetingStatus } from '../../storage/schema.ts';
import { API_PREFIX, commonErrorResponses, envelopeOf, ok } from '../envelope.ts';
import { htmlPage, type HtmlPage } from '../../util/html-page.ts';
import { sendHtmlPage } from '../html-reply.ts';

export type MeetingRoutesOptions = {
  openJoin: (token: string) => Promise<OpenJoinResult>;
  list: (guildId: string, filter: { status: MeetingStatus; limit: number }) => Promise<MeetingRecord[]>;
};

const AGAIN = 'Run /kaltura-join in Discord again to get a new link.';

const PAGES: Readonly<Record<Exclude<OpenJoinResult['kind'], 'redirect'>, () => HtmlPage>> = {
  expired: () => htmlPage(410, 'This join link has expired', `This join link has expired: run /kaltura-join again. Join links are valid for 10 minutes and only for the member they were made for.`),
  invalid: () => htmlPage(400, 'This join link is not valid', `Check that you opened the whole link, and that it was made for you. ${AGAIN}`),
  ended: () => htmlPage(410, 'This meeting has ended', 'The meeting this link was for is over. Run /kaltura-list in Discord to see what is running.'),
  not_configured: () => htmlPage(404, 'Meetings are not set up', 'The operator of this hub has not set up Kaltura meetings.'),
};

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const meetingSchema = z.object({
  id: z.string(),
  guildId: z.string(),
  channelId: z.string(),
  title: z.string(),
  type: z.enum(['meeting', 'webinar', 'classroom']),
  hostUserId: z.string(),
  kalturaResourceId: z.number(),
  kalturaEventId: z.number(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.enum(['active', 'ended']),
  announcementMessageId: z.string().nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  endedBy: z.string().nullable(),
});

function present(m: MeetingRecord): z.infer<typeof meetingSchema> {
  return { ...m, startsAt: iso(m.startsAt)!, endsAt: iso(m.endsAt)!, createdAt: iso(m.createdAt)!, endedAt: iso(m.endedAt) };
}

export function meetingJoinRoutes(app: FastifyInstance, options: MeetingRoutesOptions): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    // A wildcard, not `:token`: a signed token is longer than the router allows a named parameter to be (100).
    '/meetings/join/*',
    { logLevel: 'warn', schema: { hide: true, params: z.object({ '*': z.string().max(4096, 'the join token is too long') }) } },
    async (request, reply) => {
      const result = await options.openJoin(request.params['*']);
      if (result.kind !== 'redirect') return sendHtmlPage(reply, PAGES[result.kind]());
      return reply
        .status(302)
        .header('cache-control', 'no-store')
        // The room's URL carries the member's KS; no page it leads to may see where the browser came from.
        .header('referrer-policy', 'no-referrer')
        .header('location', result.location)
        .send();
    },
  );

  typed.get(
    `${API_PREFIX}/guilds/:guildId/meetings`,
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['meetings'],
        security: [{ bearer: [] }],
        summary: "A guild's Kaltura meetings: the running ones (oldest first) or the ended ones (latest first)",
        params: z.object({ guildId: snowflake }),
        querystring: z
          .object({
            status: z.enum(['active', 'ended']).default('active'),
            limit: z.coerce.number().int().min(1).max(100).default(25),
          })
          .strict(),
        response: { 200: envelopeOf(z.object({ meetings: z.array(meetingSchema) })), ...commonErrorResponses },
      },
    },
    async (request) => {
      const meetings = await options.list(request.params.guildId, { status: request.query.status, limit: request.query.limit });
      return ok({ meetings: meetings.map(present) });
    },
  );
}
