/** What an app does through the hub with its own token: post, edit and delete its messages, and answer its interactions. */
import { DiscordAPIError } from '@discordjs/rest';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CustomIdTooLongError } from '../../broker/app-components.ts';
import { AppActionRefused, type AppMessageInput, type AppMessenger } from '../../broker/app-messenger.ts';
import type { AppRegistry } from '../../broker/app-registry.ts';
import { RestCallRefused } from '../../discord/guarded-rest.ts';
import type { AppRecord } from '../../storage/app-repository.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');
const idParams = z.object({ id: z.string().min(2).max(32) });

/** Discord validates the message itself (lengths, embed totals); the hub checks the shape. */
const messageBody = z
  .object({
    content: z.string().max(4000).optional(),
    embeds: z.array(z.record(z.string(), z.unknown())).max(10).optional(),
    components: z.array(z.record(z.string(), z.unknown())).max(5).optional(),
  })
  .strict()
  .refine((body) => body.content !== undefined || body.embeds !== undefined || body.components !== undefined, 'send content, embeds or components');

const sendBody = z
  .object({
    channelId: snowflake.optional(),
    channel: z.string().min(1).max(32).optional(),
    content: z.string().max(4000).optional(),
    embeds: z.array(z.record(z.string(), z.unknown())).max(10).optional(),
    components: z.array(z.record(z.string(), z.unknown())).max(5).optional(),
  })
  .strict()
  .refine((body) => (body.channelId === undefined) !== (body.channel === undefined), 'give exactly one of channelId and channel')
  .refine((body) => body.content !== undefined || body.embeds !== undefined || body.components !== undefined, 'send content, embeds or components');

const errors = { 404: errorEnvelope, 422: errorEnvelope, 502: errorEnvelope, 503: errorEnvelope, ...commonErrorResponses };

/** Turns what can go wrong when acting for an app into the error envelope: never a 500 for Discord's no. */
async function acting<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppActionRefused) throw new ApiError(error.status, error.code, error.message);
    if (error instanceof CustomIdTooLongError) throw new ApiError(400, 'custom_id_too_long', error.message);
    if (error instanceof RestCallRefused) throw new ApiError(503, 'discord_paused', error.message);
    if (error instanceof DiscordAPIError) {
      if (error.status >= 500) throw new ApiError(502, 'discord_unavailable', `Discord answered ${error.status}; try again.`);
      throw new ApiError(422, 'discord_rejected', `Discord refused it: ${error.message}`, { discordCode: error.code, status: error.status });
    }
    throw error;
  }
}

export function appMessageRoutes(app: FastifyInstance, options: { apps: AppRegistry; messenger: AppMessenger }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['app messages'], security: [{ bearer: [] }] };
  const { apps, messenger } = options;

  const appOf = async (id: string): Promise<AppRecord> => {
    const found = await apps.get(id);
    if (!found) throw new ApiError(404, 'not_found', `No app has the id ${id}.`);
    return found;
  };

  typed.post(
    `${API_PREFIX}/apps/:id/messages`,
    {
      config: { auth: 'app' },
      schema: { ...common, summary: "Post a message as the app, in one of its guilds' channels", params: idParams, body: sendBody, response: { 201: envelopeOf(z.object({ messageId: z.string(), channelId: z.string() })), ...errors } },
    },
    async (request, reply) => {
      const target = await appOf(request.params.id);
      const sent = await acting(() => messenger.send(target, request.body as AppMessageInput & { channelId?: string; channel?: string }));
      return reply.status(201).send(ok(sent));
    },
  );

  typed.patch(
    `${API_PREFIX}/apps/:id/messages/:messageId`,
    {
      config: { auth: 'app' },
      schema: { ...common, summary: 'Edit a message the app owns', params: idParams.extend({ messageId: snowflake }), body: messageBody, response: { 200: envelopeOf(z.object({ messageId: z.string(), channelId: z.string() })), ...errors } },
    },
    async (request) => {
      const target = await appOf(request.params.id);
      return ok(await acting(() => messenger.edit(target, request.params.messageId, request.body as AppMessageInput)));
    },
  );

  typed.delete(
    `${API_PREFIX}/apps/:id/messages/:messageId`,
    {
      config: { auth: 'app' },
      schema: { ...common, summary: 'Delete a message the app owns', params: idParams.extend({ messageId: snowflake }), response: { 200: envelopeOf(z.object({ deleted: z.literal(true) })), ...errors } },
    },
    async (request) => {
      const target = await appOf(request.params.id);
      await acting(() => messenger.delete(target, request.params.messageId));
      return ok({ deleted: true as const });
    },
  );

  const interactionParams = idParams.extend({ interactionId: snowflake, token: z.string().min(10).max(500) });

  typed.post(
    `${API_PREFIX}/apps/:id/interactions/:interactionId/:token/followup`,
    {
      config: { auth: 'app' },
      schema: { ...common, summary: 'Follow up an interaction handed to the app (within 15 minutes)', params: interactionParams, body: messageBody, response: { 200: envelopeOf(z.object({ messageId: z.string() })), ...errors } },
    },
    async (request) => {
      const target = await appOf(request.params.id);
      return ok(await acting(() => messenger.followUp(target, request.params.token, request.body as AppMessageInput)));
    },
  );

  typed.patch(
    `${API_PREFIX}/apps/:id/interactions/:interactionId/:token/original`,
    {
      config: { auth: 'app' },
      schema: { ...common, summary: "Edit the original response of an interaction handed to the app", params: interactionParams, body: messageBody, response: { 200: envelopeOf(z.object({ messageId: z.string() })), ...errors } },
    },
    async (request) => {
      const target = await appOf(request.params.id);
      return ok(await acting(() => messenger.editOriginal(target, request.params.token, request.body as AppMessageInput)));
    },
  );
}
