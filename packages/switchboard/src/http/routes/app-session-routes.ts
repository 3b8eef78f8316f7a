/**
 * Sessions created by an app through the hub (the campaign tracker's call: title, description, start and end
 * time). The session is posted with its attendance buttons; answers are recorded like any other, and passed
 * on to the app as `session.response` events when it subscribed to them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppActionRefused } from '../../broker/app-messenger.ts';
import type { AppRegistry } from '../../broker/app-registry.ts';
import type { AttendanceRefusal } from '../../modules/attendance/attendance-rules.ts';
import type { CreateSessionInput, SessionResult } from '../../modules/attendance/attendance-service.ts';
import type { AppRecord } from '../../storage/app-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

export type AppSessions = {
  resolveChannel(app: AppRecord, target: { channelId?: string; channel?: string }): Promise<{ channelId: string; guildId: string }>;
  create(input: CreateSessionInput): Promise<SessionResult | AttendanceRefusal>;
  messageOf(guildId: string, sessionId: string): Promise<string | null>;
};

const REFUSAL_STATUS = { not_found: 404, conflict: 409, not_allowed: 403, invalid: 422 } as const;

export function appSessionRoutes(app: FastifyInstance, options: { apps: AppRegistry; sessions: AppSessions }): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    `${API_PREFIX}/apps/:id/sessions`,
    {
      config: { auth: 'app' },
      schema: {
        tags: ['app sessions'],
        security: [{ bearer: [] }],
        summary: 'Announce a session with attendance buttons, in one of the app\'s channels',
        params: z.object({ id: z.string().min(2).max(32) }),
        body: z
          .object({
            channelId: z.string().regex(/^\d{17,20}$/).optional(),
            channel: z.string().min(1).max(32).optional(),
            title: z.string().trim().min(1).max(200),
            description: z.string().max(4000).default(''),
            start_time: z.iso.datetime({ offset: true }),
            end_time: z.iso.datetime({ offset: true }),
            timezone: z.string().min(1).max(64).default('UTC'),
            capacity: z.number().int().min(1).max(10_000).nullable().default(null),
            reminderMinutesBefore: z.number().int().min(1).max(10_080).nullable().default(null),
          })
          .strict()
          .refine((body) => (body.channelId === undefined) !== (body.channel === undefined), 'give exactly one of channelId and channel'),
        response: { 201: envelopeOf(z.object({ sessionId: z.string(), channelId: z.string(), messageId: z.string().nullable() })), 404: errorEnvelope, 409: errorEnvelope, 422: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      const owner = await options.apps.get(request.params.id);
      if (!owner) throw new ApiError(404, 'not_found', `No app has the id ${request.params.id}.`);
      let place: { channelId: string; guildId: string };
      try {
        place = await options.sessions.resolveChannel(owner, request.body);
      } catch (error) {
        if (error instanceof AppActionRefused) throw new ApiError(error.status, error.code, error.message);
        throw error;
      }
      const body = request.body;
      const result = await options.sessions.create({
        guildId: place.guildId,
        channelId: place.channelId,
        title: body.title,
        description: body.description,
        startsAt: Date.parse(body.start_time),
        endsAt: Date.parse(body.end_time),
        timezone: body.timezone,
        capacity: body.capacity,
        reminderMinutesBefore: body.reminderMinutesBefore,
        createdBy: `app:${owner.id}`,
        appId: owner.id,
      });
      if (!result.ok) throw new ApiError(REFUSAL_STATUS[result.code], result.code, result.reason);
      const messageId = await options.sessions.messageOf(place.guildId, result.session.id);
      return reply.status(201).send(ok({ sessionId: result.session.id, channelId: place.channelId, messageId }));
    },
  );
}
