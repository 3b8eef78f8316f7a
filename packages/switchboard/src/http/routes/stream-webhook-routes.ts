/**
 * The platforms' webhook endpoints for go-live notifications: POST /webhooks/twitch, POST /webhooks/kick,
 * GET and POST /webhooks/youtube/:watchId. They are public (the platforms sign instead of sending a token)
 * and live outside /api/v1. Signatures cover the exact bytes received, so these routes sit in a plugin of
 * their own whose content-type parsers hand the body over unparsed.
 *
 * Kick sends every webhook to the one URL set in the Kick app's settings (kick.com → Settings → Developer):
 * set it to `${PUBLIC_URL}/webhooks/kick`. Twitch and YouTube are given their callback URL per subscription.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HeaderRecord } from '../../modules/streams/verification/headers.ts';
import type { WebhookAnswer, WebhookRequest } from '../../modules/streams/stream-webhook-receiver.ts';
import type { StreamPlatformName } from '../../modules/streams/stream-platform.ts';

export const STREAM_WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export type StreamWebhookRoutesOptions = {
  receiver: { handle(request: WebhookRequest): Promise<WebhookAnswer> };
};

const WATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function send(reply: FastifyReply, answer: WebhookAnswer): FastifyReply {
  return reply.status(answer.status).header('content-type', answer.contentType).send(answer.body);
}

export async function streamWebhookRoutes(app: FastifyInstance, options: StreamWebhookRoutesOptions): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    const keepBytes = (_request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => done(null, body);
    for (const type of ['application/json', 'application/atom+xml', '*']) {
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: STREAM_WEBHOOK_BODY_LIMIT_BYTES }, keepBytes);
    }
    const config = { auth: 'public' as const };
    const handle = (platform: StreamPlatformName, request: FastifyRequest, extra: Partial<WebhookRequest> = {}) =>
      options.receiver.handle({ platform, headers: request.headers as HeaderRecord, rawBody: rawBodyOf(request), method: request.method === 'GET' ? 'GET' : 'POST', ...extra });

    // Platforms call these, not API clients: they are left out of the OpenAPI document.
    const schema = { hide: true };
    scope.post('/webhooks/twitch', { config, schema, bodyLimit: STREAM_WEBHOOK_BODY_LIMIT_BYTES }, async (request, reply) => send(reply, await handle('twitch', request)));
    scope.post('/webhooks/kick', { config, schema, bodyLimit: STREAM_WEBHOOK_BODY_LIMIT_BYTES }, async (request, reply) => send(reply, await handle('kick', request)));
    const youtube = async (request: FastifyRequest<{ Params: { watchId: string }; Querystring: Record<string, string | string[]> }>, reply: FastifyReply) => {
      const { watchId } = request.params;
      if (!WATCH_ID.test(watchId)) return send(reply, { status: 404, contentType: 'text/plain; charset=utf-8', body: 'no such subscription' });
      return send(reply, await handle('youtube', request, { watchId, query: request.query }));
    };
    scope.get('/webhooks/youtube/:watchId', { config, schema }, youtube);
    scope.post('/webhooks/youtube/:watchId', { config, schema, bodyLimit: STREAM_WEBHOOK_BODY_LIMIT_BYTES }, youtube);
  });
}
