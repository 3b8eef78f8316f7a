/**
 * Bearer-token authentication and authorisation for /api/v1. Every /api/v1 route must say who may call it
 * (`config: { auth: 'public' | 'viewer' | 'admin' | 'app' }`); a route that does not is refused at start,
 * so that no route can be left open by mistake. Two kinds of token exist: operator tokens (`sbt_…`, with a
 * role) and app tokens (`sba_…`, one per registered app). An `app` route acts for the app named by its
 * `:id` parameter: only that app's token, or an admin, may call it — app A can never act for app B.
 *
 * Without a bearer token, the dashboard's session cookie is read (a third principal, `session`). A change
 * (anything but GET/HEAD) made with the cookie must carry the session's `X-CSRF-Token` and, when the browser
 * sends an Origin, come from PUBLIC_URL's origin: otherwise 403 `csrf_failed`. Bearer requests are unaffected.
 * Admin and viewer sessions act like tokens of that role; a guild manager's session may call the routes with
 * a `:guildId` of one of its guilds (any requirement but `app`) and those marked `dashboard: 'signed-in'`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashApiToken, roleSatisfies } from '../auth/api-token.ts';
import type { ApiTokenRepository } from '../storage/api-token-repository.ts';
import type { ApiTokenRole, DashboardRole } from '../storage/schema.ts';
import { API_PREFIX, ApiError } from './envelope.ts';
import { readCookie } from './cookies.ts';

export type AuthRequirement = 'public' | ApiTokenRole | 'app';

export type Principal =
  | { kind: 'token'; id: string; name: string; role: ApiTokenRole }
  | { kind: 'app'; id: string; appId: string }
  | { kind: 'session'; id: string; name: string; role: DashboardRole; guildIds: readonly string[]; userId: string | null };

/** The dashboard sessions as authentication sees them (see src/http/dashboard/dashboard-sessions.ts). */
export type SessionAuthenticator = {
  cookieName: string;
  /** PUBLIC_URL's origin: the only Origin a cookie-authenticated change may come from. */
  publicOrigin: string;
  find(cookieValue: string): Promise<{ id: string; userName: string; role: DashboardRole; guildIds: readonly string[]; userId: string | null } | undefined>;
  csrfValid(cookieValue: string, presented: string | undefined): boolean;
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * For a request authenticated by the session cookie: a change needs the CSRF header, and a browser's Origin
 * (when sent) must be the hub's own. Reads are let through: SameSite=Lax and CORS keep them to this origin.
 */
export function assertCookieRequestAllowed(request: FastifyRequest, sessions: Pick<SessionAuthenticator, 'publicOrigin' | 'csrfValid'>, cookieValue: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== sessions.publicOrigin) {
    throw new ApiError(403, 'csrf_failed', `A change made with the dashboard's session must come from ${sessions.publicOrigin}; this one came from ${origin.slice(0, 200)}.`);
  }
  const header = request.headers['x-csrf-token'];
  if (!sessions.csrfValid(cookieValue, typeof header === 'string' ? header : undefined)) {
    throw new ApiError(403, 'csrf_failed', 'A change made with the dashboard\'s session needs the X-CSRF-Token header (the csrfToken from GET /api/v1/me).');
  }
}

/** What a guild manager's session may call: its guilds' routes, and the routes every signed-in person may use. */
function guildManagerMayCall(request: FastifyRequest, needed: AuthRequirement, guildIds: readonly string[]): void {
  const route = request.routeOptions;
  if (route.url?.includes(':guildId') && needed !== 'app') {
    const params = request.params as Record<string, unknown> | undefined;
    const guildId = typeof params?.guildId === 'string' ? params.guildId : '';
    if (guildIds.includes(guildId)) return;
    throw new ApiError(403, 'not_your_guild', 'This session may only reach the guilds where you have Manage Server or the dashboard role.');
  }
  if (route.config?.dashboard === 'signed-in') return;
  throw new ApiError(403, 'forbidden', 'This route needs an admin or viewer; a guild manager\'s session may only use the routes of its guilds.');
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
    /** `signed-in`: any dashboard session may call the route, whatever guilds it manages. */
    dashboard?: 'signed-in';
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
    /** The dashboard's session cookie; without it only bearer tokens authenticate. */
    sessions?: SessionAuthenticator;
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

  async function authenticate(presented: string): Promise<Exclude<Principal, { kind: 'session' }> | undefined> {
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
    const sessions = options.sessions;
    const cookieValue = presented || !sessions ? undefined : readCookie(request.headers.cookie, sessions.cookieName);
    if (sessions && cookieValue) {
      const session = await sessions.find(cookieValue);
      if (!session) throw new ApiError(401, 'session_expired', 'The dashboard session has expired or was signed out: sign in again.');
      assertCookieRequestAllowed(request, sessions, cookieValue);
      const principal: Principal = { kind: 'session', id: session.id, name: session.userName, role: session.role, guildIds: session.guildIds, userId: session.userId };
      request.principal = principal;
      await options.afterAuthenticated(request, reply, principal);
      if (session.role === 'guild-manager') return guildManagerMayCall(request, needed, session.guildIds);
      const neededRole: ApiTokenRole = needed === 'app' ? 'admin' : needed;
      if (!roleSatisfies(session.role, neededRole)) {
        throw new ApiError(403, 'forbidden', `This route needs the ${neededRole} role; the session has the ${session.role} role.`);
      }
      return;
    }
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

/** Who did something, for audit logs: `discord:<user id>` for a signed-in person, `token:<name>`, `app:<id>`. */
export function actorOf(principal: Principal | null): string {
  if (!principal) return 'unknown';
  switch (principal.kind) {
    case 'app':
      return `app:${principal.appId}`;
    case 'token':
      return `token:${principal.name}`;
    case 'session':
      return principal.userId ? `discord:${principal.userId}` : `token:${principal.name}`;
  }
}
