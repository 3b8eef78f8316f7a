/**
 * The Fastify adapter. The signature covers the exact bytes sent, and Fastify parses JSON bodies by
 * default, so the raw body must be kept: `fastifyWebhookPlugin` registers the route inside its own
 * encapsulated context with a JSON parser that keeps the body as the raw string (other routes keep
 * Fastify's parser). Using `handler.fastify` on a route of your own instead, keep the raw body yourself:
 * a string or Buffer `request.body`, or `request.rawBody` (as the `fastify-raw-body` plugin sets it).
 * Fastify types are not imported: these are the parts used.
 */
import type { WebhookDispatcher } from './dispatch.ts';

/** The parts of Fastify's request the handler reads. */
export interface FastifyRequestLike {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  rawBody?: unknown;
}

/** The parts of Fastify's reply the handler uses. */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/** A Fastify route handler. */
export type FastifyRouteHandler = (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike>;

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  hasContentTypeParser(contentType: string): boolean;
  removeContentTypeParser(contentType: string): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'string'; bodyLimit?: number },
    parser: (request: never, body: string, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  post(path: string, handler: FastifyRouteHandler): unknown;
}

export interface FastifyWebhookPluginOptions {
  /** The handler from `createWebhookHandler` (its `.fastify` is used). */
  handler: { fastify: FastifyRouteHandler };
  /** The route's path within the plugin's prefix. Default `/`. */
  path?: string;
  /** The largest body accepted, in bytes. Default: Fastify's body limit. */
  bodyLimit?: number;
}

/** Builds the route handler. Throws (Fastify answers 500) when the raw body was not kept. */
export function fastifyAdapter(handle: WebhookDispatcher): FastifyRouteHandler {
  return async (request, reply) => {
    const raw = asRaw(request.rawBody) ?? asRaw(request.body ?? '');
    if (raw === undefined) {
      throw new Error(
        'switchboard webhook: the request body was parsed, so its signature cannot be checked. ' +
          'Register the route with fastifyWebhookPlugin, or keep the raw body (request.rawBody).',
      );
    }
    const answer = await handle(request.headers, raw);
    reply.code(answer.status);
    if (answer.body === undefined) return reply.send();
    return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(answer.body));
  };
}

/**
 * A Fastify plugin: `app.register(fastifyWebhookPlugin, { prefix: '/webhooks', path: '/switchboard', handler })`.
 * Register it directly (not wrapped in `fastify-plugin`), so that its raw-body parser stays in its own context.
 */
export async function fastifyWebhookPlugin(instance: FastifyInstanceLike, options: FastifyWebhookPluginOptions): Promise<void> {
  if (instance.hasContentTypeParser('application/json')) instance.removeContentTypeParser('application/json');
  const parserOptions = options.bodyLimit === undefined ? { parseAs: 'string' as const } : { parseAs: 'string' as const, bodyLimit: options.bodyLimit };
  instance.addContentTypeParser('application/json', parserOptions, (_request, body, done) => done(null, body));
  instance.post(options.path ?? '/', options.handler.fastify);
}

function asRaw(value: unknown): string | Uint8Array | undefined {
  return typeof value === 'string' || value instanceof Uint8Array ? value : undefined;
}
