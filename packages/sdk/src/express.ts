/**
 * The Express adapter. The signature covers the exact bytes sent, so the middleware needs the raw body:
 * it takes `req.rawBody` or a string/Buffer `req.body` (from `express.raw({ type: 'application/json' })`
 * or `express.text(...)`), and otherwise reads the request stream itself — which works only if no body
 * parser consumed it first. Behind `express.json()` the body is gone: the middleware then passes an
 * error to `next` (Express answers 500, and the hub retries once that is fixed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookDispatcher } from './dispatch.ts';
import { answerFromStream, writeAnswer } from './node-io.ts';

/** The parts of Express's request the middleware reads. */
export type ExpressRequestLike = IncomingMessage & { body?: unknown; rawBody?: unknown };

/** An Express middleware (Express's `res` extends Node's `ServerResponse`). */
export type ExpressMiddleware = (request: ExpressRequestLike, response: ServerResponse, next: (error?: unknown) => void) => void;

/** Builds the middleware; non-POST requests are passed on with `next()`. */
export function expressAdapter(handle: WebhookDispatcher, maxBodyBytes: number): ExpressMiddleware {
  return (request, response, next) => {
    if (request.method !== 'POST') return next();
    const raw = asRaw(request.rawBody) ?? asRaw(request.body);
    if (raw !== undefined) {
      handle(request.headers, raw).then((answer) => writeAnswer(response, answer), next);
      return;
    }
    if (request.readableEnded || (request as { _body?: unknown })._body === true) {
      next(new Error(
        'switchboard webhook: the request body was already parsed, so its signature cannot be checked. ' +
          "Mount the webhook route before express.json(), or give it express.raw({ type: 'application/json' }).",
      ));
      return;
    }
    answerFromStream(handle, request, response, maxBodyBytes).catch(next);
  };
}

function asRaw(value: unknown): string | Uint8Array | undefined {
  return typeof value === 'string' || value instanceof Uint8Array ? value : undefined;
}
