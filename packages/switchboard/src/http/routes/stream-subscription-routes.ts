/**
 * A guild's go-live subscriptions over HTTP: list them (viewer), add one (admin) and remove one (admin).
 * Adding resolves the streamer on the platform and, with webhooks, subscribes there: a refusal names
 * what is wrong (the platform not set up, an unknown streamer, the per-guild limit).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StreamRefusal, SubscribeResult, UnsubscribeResult } from '../../modules/streams/go-live-service.ts';
import type { StreamPlatformName } from '../../modules/streams/stream-platform.ts';
import type { StreamSubscriptionView } from '../../storage/stream-watch-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
const guildParams = z.object({ guildId: snowflake });
const subscriptionParams = guildParams.extend({ subscriptionId: z.string().uuid('must be a subscription id (a UUID)') });
const iso = (ms: number) => new Date(ms).toISOString();

const subscriptionSchema = z.object({
  id: z.string(),
  guildId: z.string(),
  channelId: z.string(),
  roleId: z.string().nullable(),
  platform: z.enum(['twitch', 'youtube', 'kick']),
  streamer: z.object({ id: z.string(), login: z.string(), name: z.string(), url: z.string() }),
  /** pending / active / revoked / failed (webhooks) or polling. */
  status: z.string(),
  statusReason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});

function present(s: StreamSubscriptionView): z.infer<typeof subscriptionSchema> {
  return {
    id: s.id,
    guildId: s.guildId,
    channelId: s.channelId,
    roleId: s.roleId,
    platform: s.watch.platform,
    streamer: { id: s.watch.streamerId, login: s.watch.streamerLogin, name: s.watch.streamerName, url: s.watch.streamerUrl },
    status: s.watch.status,
    statusReason: s.watch.statusReason,
    createdBy: s.createdBy,
    createdAt: iso(s.createdAt),
  };
}

const REFUSAL_STATUS: Record<StreamRefusal['code'], number> = {
  not_configured: 422,
  unknown_streamer: 422,
  invalid: 422,
  limit_reached: 409,
  duplicate: 409,
  platform_error: 502,
  not_found: 404,
};

function refused(refusal: StreamRefusal): never {
  throw new ApiError(REFUSAL_STATUS[refusal.code], refusal.code, refusal.reason);
}

export type StreamSubscriptionRoutesOptions = {
  streams: {
    list(guildId: string): Promise<StreamSubscriptionView[]>;
    subscribe(input: { guildId: string; channelId: string; roleId: string | null; platform: StreamPlatformName; query: string; createdBy: string }): Promise<SubscribeResult>;
    unsubscribe(guildId: string, subscriptionId: string): Promise<UnsubscribeResult>;
  };
};

export function streamSubscriptionRoutes(app: FastifyInstance, options: StreamSubscriptionRoutesOptions): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['streams'], security: [{ bearer: [] }] };
  const base = `${API_PREFIX}/guilds/:guildId/streams`;
  const { streams } = options;

  typed.get(
    base,
    {
      config: { auth: 'viewer' },
      schema: { ...common, summary: "The guild's go-live subscriptions", params: guildParams, response: { 200: envelopeOf(z.object({ subscriptions: z.array(subscriptionSchema) })), ...commonErrorResponses } },
    },
    async (request) => ok({ subscriptions: (await streams.list(request.params.guildId)).map(present) }),
  );

  typed.post(
    base,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Announce in a channel when a streamer goes live (at most 25 per guild)',
        params: guildParams,
        body: z
          .object({
            platform: z.enum(['twitch', 'youtube', 'kick']),
            streamer: z.string().trim().min(1, 'name the streamer: login, handle, channel id or URL').max(200),
            channelId: snowflake,
            roleId: snowflake.nullish(),
          })
          .strict(),
        response: { 201: envelopeOf(subscriptionSchema), 404: errorEnvelope, 409: errorEnvelope, 422: errorEnvelope, 502: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      const result = await streams.subscribe({
        guildId: request.params.guildId,
        channelId: request.body.channelId,
        roleId: request.body.roleId ?? null,
        platform: request.body.platform,
        query: request.body.streamer,
        createdBy: principal?.kind === 'token' ? `api:${principal.name}` : 'api',
      });
      if (!result.ok) refused(result);
      return reply.status(201).send(ok(present(result.subscription)));
    },
  );

  typed.delete(
    `${base}/:subscriptionId`,
    {
      config: { auth: 'admin' },
      schema: { ...common, summary: 'Stop announcing a streamer in a channel', params: subscriptionParams, response: { 200: envelopeOf(subscriptionSchema), 404: errorEnvelope, ...commonErrorResponses } },
    },
    async (request) => {
      const result = await streams.unsubscribe(request.params.guildId, request.params.subscriptionId);
      if (!result.ok) refused(result);
      return ok(present(result.subscription));
    },
  );
}
