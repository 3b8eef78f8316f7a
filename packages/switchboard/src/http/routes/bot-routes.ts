/** The bot's status, and starting or stopping its Discord connection at run time. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BotStatus } from '../../discord/bot-status.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';

const connectionState = z.enum(['stopped', 'starting', 'connecting', 'ready', 'resuming', 'reconnecting', 'failed']);

export const botStatusSchema = z.object({
  running: z.boolean(),
  connected: z.boolean(),
  ready: z.boolean(),
  state: connectionState,
  uptimeSeconds: z.number(),
  guilds: z.number(),
  latencyMs: z.number().nullable(),
  shards: z.array(
    z.object({ id: z.number(), state: connectionState, latencyMs: z.number().nullable(), guilds: z.number(), lastError: z.string().nullable() }),
  ),
  lastError: z.string().nullable(),
  startedAt: z.string().nullable(),
  version: z.string(),
  modules: z.array(z.object({ name: z.string(), enabled: z.boolean(), reason: z.string().nullable() })),
});

export type BotControl = {
  status(): BotStatus;
  /** Resolves once connecting has begun; rejects with a plain-words reason when it cannot start. */
  start(): Promise<void>;
  stop(): Promise<void>;
};

export function botRoutes(app: FastifyInstance, bot: BotControl): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ['bot'], security: [{ bearer: [] }] };

  typed.get(
    `${API_PREFIX}/status`,
    {
      config: { auth: 'viewer', dashboard: 'signed-in' },
      schema: { ...common, summary: 'The bot: connection state, shards, latency, modules', response: { 200: envelopeOf(botStatusSchema), ...commonErrorResponses } },
    },
    async () => ok(bot.status()),
  );

  typed.post(
    `${API_PREFIX}/bot/start`,
    {
      config: { auth: 'admin' },
      schema: { ...common, summary: 'Connect the bot to Discord', response: { 202: envelopeOf(botStatusSchema), 409: errorEnvelope, ...commonErrorResponses } },
    },
    async (_request, reply) => {
      const before = bot.status();
      if (before.running) throw new ApiError(409, 'already_running', `The bot is already running (${before.state}).`);
      try {
        await bot.start();
      } catch (error) {
        throw new ApiError(409, 'cannot_start', error instanceof Error ? error.message : String(error));
      }
      return reply.status(202).send(ok(bot.status()));
    },
  );

  typed.post(
    `${API_PREFIX}/bot/stop`,
    {
      config: { auth: 'admin' },
      schema: { ...common, summary: 'Disconnect the bot from Discord (the API keeps running)', response: { 200: envelopeOf(botStatusSchema), ...commonErrorResponses } },
    },
    async () => {
      await bot.stop();
      return ok(bot.status());
    },
  );
}
