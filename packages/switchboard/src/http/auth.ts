/**
 * Bearer-token authentication and role checks for /api/v1. Every /api/v1 route must say who may call
 * it (`config: { auth: 'public' | 'viewer' | 'admin' }`); a route that does not is refused at start,
 * so that no route can be left open by mistake.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashApiToken, roleSatisfies } from '../auth/api-token.ts';
import type { ApiTokenRepository } from '../storage/api-token-repository.ts';
import type { ApiTokenRole } from '../storage/schema.ts';
import { API_PREFIX, ApiError } from './envelope.ts';

export type AuthRequirement = 'public' | ApiTokenRole;

export type Principal = { kind: 'token'; tokenId: string; name: string; role: ApiTokenRole };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function installAuthentication(
  app: FastifyInstance,
  tokens: ApiTokenRepository,
  afterAuthenticated: (request: FastifyRequest, reply: FastifyReply, principal: Principal) => Promise<void>,
): void {
  app.decorateRequest('principal', null);
  const lastUsedWritten = new Map<string, number>();

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    const auth = (route.config as { auth?: AuthRequirement } | undefined)?.auth;
    if (!auth) throw new Error(`route ${route.method} ${route.url} does not declare who may call it (config.auth)`);
  });

  app.addHook('onRequest', async (request, reply) => {
    const needed = request.routeOptions.config?.auth;
    if (!needed || needed === 'public') return;
    const presented = bearerTokenOf(request);
    if (!presented) {
      throw new ApiError(401, 'unauthorized', 'This route needs an API token: send Authorization: Bearer <token>.');
    }
    const token = await tokens.findActiveByHash(hashApiToken(presented));
    if (!token) throw new ApiError(401, 'unauthorized', 'The API token is not valid or has been revoked.');
    const principal: Principal = { kind: 'token', tokenId: token.id, name: token.name, role: token.role };
    request.principal = principal;
    await afterAuthenticated(request, reply, principal);
    if (!roleSatisfies(token.role, needed)) {
      throw new ApiError(403, 'forbidden', `This route needs the ${needed} role; the token has the ${token.role} role.`);
    }
    const now = Date.now();
    if ((lastUsedWritten.get(token.id) ?? 0) + LAST_USED_WRITE_INTERVAL_MS < now) {
      lastUsedWritten.set(token.id, now);
      await tokens.touchLastUsed(token.id, now);
    }
  });
}
