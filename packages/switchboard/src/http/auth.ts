/**
 * Bearer-token authentication and authorisation for /api/v1. Every /api/v1 route must say who may call it
 * (`config: { auth: 'public' | 'viewer' | 'admin' | 'app' }`); a route that does not is refused at start,
 * so that no route can be left open by mistake. Two kinds of token exist: operator tokens (`sbt_…`, with a
 * role) and app tokens (`sba_…`, one per registered app). An `app` route acts for the app named by its
 * `:id` parameter: only that app's token, or an admin, may call it — app A can never act for app B.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashApiToken, roleSatisfies } from '../auth/api-token.ts';
import type { ApiTokenRepository } from '../storage/api-token-repository.ts';
import type { ApiTokenRole } from '../storage/schema.ts';
import { API_PREFIX, ApiError } from './envelope.ts';

export type AuthRequirement = 'public' | ApiTokenRole | 'app';

export type Principal =
  | { kind: 'token'; id: string; name: string; role: ApiTokenRole }
  | { kind: 'app'; id: string; appId: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type AppTokenLookup = (tokenHash: string) => Promise<{ appId: string } | undefined>;

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The app a route acts for: its `:id` path parameter. */
function routeAppId(request: FastifyRequest): string | undefined {
  const params = request.params as Record<string, unknown> | undefined;
  return typeof params?.id === 'string' ? params.id : undefined;
}

export function installAuthentication(
  app: FastifyInstance,
  options: {
    tokens: ApiTokenRepository;
    apps: AppTokenLookup;
    afterAuthenticated: (request: FastifyRequest, reply: FastifyReply, principal: Principal) => Promise<void>;
  },
): void {
  app.decorateRequest('principal', null);
  const lastUsedWritten = new Map<string, number>();

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    const auth = (route.config as { auth?: AuthRequirement } | undefined)?.auth;
    if (!auth) throw new Error(`route ${route.method} ${route.url} does not declare who may call it (config.auth)`);
    if (auth === 'app' && !route.url.includes('/:id')) throw new Error(`app route ${route.method} ${route.url} must name the app with :id`);
  });

  async function authenticate(presented: string): Promise<Principal | undefined> {
    const hash = hashApiToken(presented);
    const token = await options.tokens.findActiveByHash(hash);
    if (token) return { kind: 'token', id: token.id, name: token.name, role: token.role };
    const owner = await options.apps(hash);
    return owner ? { kind: 'app', id: `app:${owner.appId}`, appId: owner.appId } : undefined;
  }

  app.addHook('onRequest', async (request, reply) => {
    const needed = request.routeOptions.config?.auth;
    if (!needed || needed === 'public') return;
    const presented = bearerTokenOf(request);
    if (!presented) {
      throw new ApiError(401, 'unauthorized', 'This route needs an API token: send Authorization: Bearer <token>.');
    }
    const principal = await authenticate(presented);
    if (!principal) throw new ApiError(401, 'unauthorized', 'The API token is not valid or has been revoked.');
    request.principal = principal;
    await options.afterAuthenticated(request, reply, principal);
    if (principal.kind === 'app') {
      if (needed !== 'app') throw new ApiError(403, 'forbidden', 'App tokens may only use the routes of their own app.');
      if (routeAppId(request) !== principal.appId) throw new ApiError(403, 'not_your_app', 'This token belongs to another app.');
      return;
    }
    const neededRole: ApiTokenRole = needed === 'app' ? 'admin' : needed;
    if (!roleSatisfies(principal.role, neededRole)) {
      throw new ApiError(403, 'forbidden', `This route needs the ${neededRole} role; the token has the ${principal.role} role.`);
    }
    const now = Date.now();
    if ((lastUsedWritten.get(principal.id) ?? 0) + LAST_USED_WRITE_INTERVAL_MS < now) {
      lastUsedWritten.set(principal.id, now);
      await options.tokens.touchLastUsed(principal.id, now);
    }
  });
}
