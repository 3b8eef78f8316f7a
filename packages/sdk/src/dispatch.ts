/**
 * The framework-neutral core of the webhook handler: verify a request, pick the handler for its event
 * type, and decide the HTTP answer. The adapters (node:http, Fastify, Express) only read the body and
 * write the answer.
 */
import { headerValue, type HeadersLike } from './headers.ts';
import { ReplayGuard } from './replay-guard.ts';
import type { EventOf, EventType, ResponseFor, WebhookEvent } from './types.ts';
import { isKnownEvent, verifyWebhook, webhookVerifiers, type SigningSecrets, type VerifyFailureReason } from './verify-webhook.ts';

type Awaitable<T> = T | Promise<T>;

/** What a handler learns besides the event. */
export interface WebhookContext {
  /** The `webhook-id` header: the same on every retry of one delivery. */
  webhookId: string;
  /** When the hub signed this attempt. */
  timestamp: Date;
}

/**
 * The handler of event type `T`. For `interaction.component` / `interaction.modal` it may return an
 * interaction callback, and for `assistant.message` a `{ reply }`; that becomes the HTTP response.
 */
export type EventHandler<T extends EventType> = (event: EventOf<T>, context: WebhookContext) => Awaitable<ResponseFor<T> | undefined | void>;

/** Handlers by event type, and `default` for known types without one of their own. */
export type EventHandlers = { [K in EventType]?: EventHandler<K> } & {
  default?: (event: WebhookEvent, context: WebhookContext) => Awaitable<ResponseFor<EventType> | undefined | void>;
};

export interface WebhookHandlerOptions {
  /** The app's signing secret, or several during a rotation (new first). */
  secret: SigningSecrets;
  handlers: EventHandlers;
  /** Rejects replayed ids with 409. Default: an in-memory `ReplayGuard`; `false` turns it off. */
  replayGuard?: ReplayGuard | false;
  /** How far a timestamp may be from now, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The largest body read (node:http and Express adapters), in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Told about every handler that threw (the hub gets a 500 and retries). Default: the console. */
  onError?: (error: unknown, event: WebhookEvent) => void;
}

/** The answer to give the hub: a status and an optional JSON body. */
export interface WebhookAnswer {
  status: number;
  body?: unknown;
}

/** The framework-neutral handler: headers and the exact raw body in, the HTTP answer out. */
export type WebhookDispatcher = (headers: HeadersLike, rawBody: string | Uint8Array) => Promise<WebhookAnswer>;

const STATUS_OF_FAILURE: Record<VerifyFailureReason, number> = {
  missing_headers: 401,
  invalid_timestamp: 401,
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  invalid_signature: 401,
  invalid_payload: 400,
  replayed: 409,
  duplicate: 200,
};

/** Event types whose handler's return value is the HTTP response. */
const ANSWERING_TYPES: ReadonlySet<string> = new Set(['interaction.component', 'interaction.modal', 'assistant.message']);

/** Builds the dispatcher; throws a `TypeError` at once for an unusable secret. */
export function createDispatcher(options: WebhookHandlerOptions): WebhookDispatcher {
  webhookVerifiers(options.secret);
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const replayGuard = options.replayGuard === false ? undefined : (options.replayGuard ?? new ReplayGuard({ toleranceSeconds }));
  const onError = options.onError ?? ((error: unknown, event: WebhookEvent) => console.error(`switchboard: the ${event.type} handler failed:`, error));

  /** Ids being handled now: a duplicate of one of them is refused (409) until its handling is over. */
  const inFlight = new Set<string>();

  return async (headers, rawBody) => {
    const verified = verifyWebhook(options.secret, headers, rawBody, { toleranceSeconds, ...(replayGuard ? { replayGuard } : {}) });
    if (!verified.ok) {
      if (verified.reason === 'duplicate') {
        // Acknowledged without handling it again, unless the first copy is still being handled (it may fail).
        if (!inFlight.has(headerValue(headers, 'webhook-id') ?? '')) return { status: 200 };
        return { status: 409, body: { error: { code: 'in_progress', message: 'this event is still being handled' } } };
      }
      return { status: STATUS_OF_FAILURE[verified.reason], body: { error: { code: verified.reason, message: verified.message } } };
    }
    const { event, webhookId, timestamp } = verified;
    // A type this version does not know: accept it, so that the hub does not retry it forever.
    if (!isKnownEvent(event)) return { status: 200 };
    const handler = (options.handlers[event.type] ?? options.handlers.default) as
      | ((event: WebhookEvent, context: WebhookContext) => Awaitable<unknown>)
      | undefined;
    if (handler === undefined) return { status: 200 };
    inFlight.add(webhookId);
    try {
      const result = await handler(event, { webhookId, timestamp });
      const answers = ANSWERING_TYPES.has(event.type) && typeof result === 'object' && result !== null;
      return answers ? { status: 200, body: result } : { status: 200 };
    } catch (error) {
      // Forget the id, or the hub's retry of this delivery would be refused as a replay.
      replayGuard?.release(webhookId);
      try {
        onError(error, event);
      } catch {
        // The error reporter failing must not change the answer.
      }
      return { status: 500, body: { error: { code: 'handler_failed', message: 'the app could not handle the event' } } };
    } finally {
      inFlight.delete(webhookId);
    }
  };
}
