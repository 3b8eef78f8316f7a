/**
 * `createWebhookHandler`: receives the hub's webhooks. The result is a `node:http` request listener, and
 * carries the same handler for Fastify (`.fastify`) and Express (`.express`) and framework-neutral
 * (`.handle`). Answers: 200 (with the handler's interaction callback or `{ reply }` when it returned one;
 * also for event types this SDK does not know, and for an event the hub re-sends after it was handled),
 * 401 bad or missing signature or timestamp, 409 a replayed request (or a re-send of an event still being
 * handled), 400 a body that is not an event, 413 too large, 500 the handler threw (the hub retries).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDispatcher, type WebhookDispatcher, type WebhookHandlerOptions } from './dispatch.ts';
import { expressAdapter, type ExpressMiddleware } from './express.ts';
import { fastifyAdapter, type FastifyRouteHandler } from './fastify.ts';
import { answerFromStream, DEFAULT_MAX_BODY_BYTES, writeAnswer } from './node-io.ts';

/** A `node:http` request listener, with the same handler for other frameworks attached. */
export interface WebhookHandler {
  (request: IncomingMessage, response: ServerResponse): void;
  /** Verify and dispatch given headers and the exact raw body; returns the answer to give. */
  handle: WebhookDispatcher;
  /** A Fastify route handler; the raw body must be kept (see `fastifyWebhookPlugin`). */
  fastify: FastifyRouteHandler;
  /** An Express middleware; mount it before any body parser, or behind `express.raw()`. */
  express: ExpressMiddleware;
}

/** Builds the handler. Throws a `TypeError` at once if a signing secret is unusable. */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const handle = createDispatcher(options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      writeAnswer(response, { status: 405, body: { error: { code: 'method_not_allowed', message: 'webhooks are POSTed' } } });
      request.resume();
      return;
    }
    void answerFromStream(handle, request, response, maxBodyBytes);
  };

  return Object.assign(listener, {
    handle,
    fastify: fastifyAdapter(handle),
    express: expressAdapter(handle, maxBodyBytes),
  });
}
