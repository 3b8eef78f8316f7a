/**
 * @switchboard/sdk — for applications served by a Switchboard hub: register, heartbeat, post through the
 * hub, and receive and verify its signed webhooks.
 */
export { SwitchboardClient, type ClientOptions, type HubAnswer, type RegisterOptions } from './client.ts';
export { SwitchboardError, SwitchboardNetworkError, SwitchboardTimeoutError } from './errors.ts';
export type { RetryPolicy } from './retry.ts';
export type { HeartbeatOptions, StopHeartbeats } from './heartbeats.ts';
export {
  verifyWebhook,
  isKnownEvent,
  type SigningSecrets,
  type VerifyFailureReason,
  type VerifyOptions,
  type VerifyResult,
} from './verify-webhook.ts';
export { ReplayGuard, type ReplayGuardOptions } from './replay-guard.ts';
export type { HeadersLike } from './headers.ts';
export { createWebhookHandler, type WebhookHandler } from './webhook-handler.ts';
export type { EventHandler, EventHandlers, WebhookAnswer, WebhookContext, WebhookDispatcher, WebhookHandlerOptions } from './dispatch.ts';
export {
  fastifyWebhookPlugin,
  type FastifyInstanceLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
  type FastifyRouteHandler,
  type FastifyWebhookPluginOptions,
} from './fastify.ts';
export type { ExpressMiddleware, ExpressRequestLike } from './express.ts';
export * from './types.ts';
