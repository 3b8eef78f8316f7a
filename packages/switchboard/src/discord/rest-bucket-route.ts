/**
 * What Discord's rate limits key a REST call by, read from the call's path alone, so that every instance
 * names the same bucket the same way: the route (method and template, which Discord maps to a bucket hash
 * in `X-RateLimit-Bucket`) and the major parameter (the channel, guild, or webhook with its token), and
 * whether the call spends the bot's global limit. Also reads the `X-RateLimit-*` headers of an answer.
 * See https://discord.com/developers/docs/topics/rate-limits.
 */
import { restRouteTemplate, stripPath } from './rest-guardrails.ts';

/** A call's route and major parameter; calls with the same bucket hash and major parameter share one limit. */
export type RestBucketRoute = { route: string; major: string };

/** What one answer says about its bucket. `hash` is absent on routes Discord does not limit per route. */
export type RestBucketHeaders = { hash: string | undefined; limit: number; remaining: number; resetAfterMs: number };

/** The part of `Headers` read here. */
export type HeaderSource = { get(name: string): string | null };

/**
 * The call's route (`GET /channels/:id`) and major parameter, or null for interaction callbacks: each
 * interaction token is a bucket of its own, answered by the one instance that received the interaction,
 * so there is nothing to share, and its 3-second deadline is better spent elsewhere.
 */
export function restBucketRoute(method: string, path: string): RestBucketRoute | null {
  const segments = stripPath(path).split('/');
  const resource = segments[1];
  if (resource === 'interactions') return null;
  const route = `${method.toUpperCase()} ${restRouteTemplate(path)}`;
  const id = segments[2];
  if ((resource === 'channels' || resource === 'guilds') && id) return { route, major: `${resource}/${id}` };
  if (resource === 'webhooks' && id) return { route, major: segments[3] ? `webhooks/${id}/${segments[3]}` : `webhooks/${id}` };
  return { route, major: 'global' };
}

/**
 * Whether the call spends the bot's global limit (REST_GLOBAL_REQUESTS_PER_SECOND): only calls made with
 * the bot's token do — Discord applies the global limit per token, and to the address for calls without
 * one — and interaction endpoints (the callback, and the follow-ups on the interaction's webhook, which
 * like any call through a webhook token are the webhook's, not the bot's) are not bound to it at all.
 */
export function spendsGlobalLimit(path: string, authorized: boolean): boolean {
  if (!authorized) return false;
  const [, resource, , token] = stripPath(path).split('/');
  if (resource === 'interactions') return false;
  return !(resource === 'webhooks' && token);
}

/** The bucket facts of an answer, or null when it carries none (no `X-RateLimit-Limit`/`-Remaining`/`-Reset-After`). */
export function readBucketHeaders(headers: HeaderSource): RestBucketHeaders | null {
  const limit = Number(headers.get('x-ratelimit-limit') ?? Number.NaN);
  const remaining = Number(headers.get('x-ratelimit-remaining') ?? Number.NaN);
  const resetAfterSeconds = Number(headers.get('x-ratelimit-reset-after') ?? Number.NaN);
  if (!(limit >= 1) || !(remaining >= 0) || !(resetAfterSeconds >= 0)) return null;
  return {
    hash: headers.get('x-ratelimit-bucket') ?? undefined,
    limit: Math.floor(limit),
    remaining: Math.floor(remaining),
    resetAfterMs: Math.ceil(resetAfterSeconds * 1000),
  };
}

/** How long a global 429 asks every caller of the token to wait, or null when the answer is not one. */
export function globalRetryAfterMs(status: number, headers: HeaderSource): number | null {
  if (status !== 429 || !headers.get('x-ratelimit-global')) return null;
  const seconds = Number(headers.get('retry-after') ?? Number.NaN);
  return seconds >= 0 ? Math.ceil(seconds * 1000) : null;
}
