/** Registering and managing apps (admin), and an app's own heartbeat and details (its token). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppRegistry, AppView, CallbackUrlCheck } from '../../broker/app-registry.ts';
import { APP_HEARTBEAT_INTERVAL_MS } from '../../broker/app-status.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

export const APP_EVENT_TYPES = ['message.create', 'reaction.add', 'reaction.remove', 'interaction.component', 'interaction.modal', 'assistant.message', 'assistant.clear', 'session.response'] as const;

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
const channelName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1–32 lower-case letters, digits, - or _');

const appFields = {
  name: z.string().trim().min(1).max(100),
  callbackUrl: z.string().url().max(2048),
  events: z.array(z.enum(APP_EVENT_TYPES)).max(APP_EVENT_TYPES.length),
  guilds: z.array(snowflake).min(1, 'an app acts in at least one guild').max(1000),
  subscribedChannels: z.array(snowflake).max(500),
  channels: z.record(channelName, snowflake).refine((map) => Object.keys(map).length <= 50, 'at most 50 named channels'),
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const appSchema = z.object({
  id: z.string(),
  name: z.string(),
  callbackUrl: z.string(),
  events: z.array(z.string()),
  guilds: z.array(z.string()),
  subscribedChannels: z.array(z.string()),
  channels: z.record(z.string(), z.string()),
  status: z.enum(['online', 'stale', 'offline']),
  lastHeartbeatAt: z.string().nullable(),
  endpointDisabled: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
  createdAt: z.string(),
});

function present(app: AppView): z.infer<typeof appSchema> {
  return {
    id: app.id,
    name: app.name,
    callbackUrl: app.callbackUrl,
    events: app.events,
    guilds: app.guilds,
    subscribedChannels: app.subscribedChannels,
    channels: app.channels,
    status: app.status,
    lastHeartbeatAt: iso(app.lastHeartbeatAt),
    endpointDisabled: app.endpointDisabledAt === null ? null : { at: iso(app.endpointDisabledAt)!, reason: app.endpointDisabledReason },
    createdAt: iso(app.createdAt)!,
  };
}

const idParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, 'must be an app id') });

export function appRoutes(app: FastifyInstance, options: { apps: AppRegistry; checkCallbackUrl: CallbackUrlCheck }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['apps'], security: [{ bearer: [] }] };
  const { apps, checkCallbackUrl } = options;

  const refuseUnsafeUrl = async (url: string) => {
    const verdict = await checkCallbackUrl(url);
    if (!verdict.ok) throw new ApiError(422, 'callback_url_refused', `The callback URL is refused: ${verdict.reason}.`, { path: 'body.callbackUrl' });
  };

  typed.post(
    `${API_PREFIX}/apps`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Register an app (its token and signing secret are shown once)',
        body: z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, 'must be 2–32 lower-case letters, digits or -, starting with a letter or digit'),
            ...appFields,
            subscribedChannels: appFields.subscribedChannels.default([]),
            channels: appFields.channels.default({}),
          })
          .strict(),
        response: { 201: envelopeOf(z.object({ app: appSchema, token: z.string(), signingSecret: z.string() })), 409: errorEnvelope, 422: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      await refuseUnsafeUrl(request.body.callbackUrl);
      const result = await apps.register(request.body);
      if (!result.ok) throw new ApiError(409, 'id_taken', `An app with the id ${request.body.id} is already registered.`);
      return reply.status(201).send(ok({ app: present(result.app), token: result.token, signingSecret: result.signingSecret }));
    },
  );

  typed.get(
    `${API_PREFIX}/apps`,
    { config: { auth: 'admin' }, schema: { ...common, summary: 'Every app with online/stale/offline and its last heartbeat', response: { 200: envelopeOf(z.array(appSchema)), ...commonErrorResponses } } },
    async () => ok((await apps.list()).map(present)),
  );

  typed.get(
    `${API_PREFIX}/apps/:id`,
    { config: { auth: 'app' }, schema: { ...common, summary: 'One app', params: idParams, response: { 200: envelopeOf(appSchema), 404: errorEnvelope, ...commonErrorResponses } } },
    async (request) => {
      const found = await apps.get(request.params.id);
      if (!found) throw new ApiError(404, 'not_found', `No app has the id ${request.params.id}.`);
      return ok(present(apps.view(found)));
    },
  );

  typed.patch(
    `${API_PREFIX}/apps/:id`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Change an app',
        params: idParams,
        body: z.object(appFields).partial().strict(),
        response: { 200: envelopeOf(appSchema), 404: errorEnvelope, 422: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      if (request.body.callbackUrl !== undefined) await refuseUnsafeUrl(request.body.callbackUrl);
      const updated = await apps.update(request.params.id, request.body);
      if (!updated) throw new ApiError(404, 'not_found', `No app has the id ${request.params.id}.`);
      return ok(present(updated));
    },
  );

  typed.delete(
    `${API_PREFIX}/apps/:id`,
    { config: { auth: 'admin' }, schema: { ...common, summary: 'Unregister an app', params: idParams, response: { 200: envelopeOf(z.object({ deleted: z.literal(true) })), 404: errorEnvelope, ...commonErrorResponses } } },
    async (request) => {
      if (!(await apps.delete(request.params.id))) throw new ApiError(404, 'not_found', `No app has the id ${request.params.id}.`);
      return ok({ deleted: true as const });
    },
  );

  typed.post(
    `${API_PREFIX}/apps/:id/secret/rotate`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: 'Rotate the signing secret (the old one keeps signing beside the new one for 24 h)',
        params: idParams,
        response: { 200: envelopeOf(z.object({ signingSecret: z.string(), previousValidUntil: z.string() })), 404: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      const now = Date.now();
      const secret = await apps.rotateSecret(request.params.id, now);
      if (!secret) throw new ApiError(404, 'not_found', `No app has the id ${request.params.id}.`);
      return ok({ signingSecret: secret, previousValidUntil: new Date(now + 24 * 60 * 60 * 1000).toISOString() });
    },
  );

  typed.post(
    `${API_PREFIX}/apps/:id/heartbeat`,
    {
      config: { auth: 'app' },
      schema: {
        ...common,
        summary: 'Tell the hub the app is alive; events kept while it was away are delivered again',
        params: idParams,
        response: {
          200: envelopeOf(z.object({ status: z.enum(['online', 'stale', 'offline']), lastHeartbeatAt: z.string(), heartbeatIntervalSeconds: z.number() })),
          404: errorEnvelope,
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const view = await apps.heartbeat(request.params.id);
      if (!view) throw new ApiError(404, 'not_found', `No app has the id ${request.params.id}.`);
      return ok({ status: view.status, lastHeartbeatAt: iso(view.lastHeartbeatAt)!, heartbeatIntervalSeconds: APP_HEARTBEAT_INTERVAL_MS / 1000 });
    },
  );

  typed.put(
    `${API_PREFIX}/guilds/:guildId/assistant`,
    {
      config: { auth: 'admin' },
      schema: {
        ...common,
        summary: "Set the guild's assistant app (mentions of the bot go to it); `@dm` sets the one for direct messages",
        params: z.object({ guildId: z.union([snowflake, z.literal('@dm')]) }),
        body: z.object({ appId: z.string().nullable() }).strict(),
        response: { 200: envelopeOf(z.object({ guildId: z.string(), appId: z.string().nullable() })), 404: errorEnvelope, ...commonErrorResponses },
      },
    },
    async (request) => {
      const { appId } = request.body;
      if (appId !== null && !(await apps.get(appId))) throw new ApiError(404, 'not_found', `No app has the id ${appId}.`);
      await apps.setAssistant(request.params.guildId, appId);
      return ok({ guildId: request.params.guildId, appId });
    },
  );
}
