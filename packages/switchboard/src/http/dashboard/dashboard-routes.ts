/**
 * The dashboard's sign-in routes: `GET /auth/discord/login` and `GET /auth/discord/callback` (Sign in with
 * Discord), `POST /auth/token` (sign in with an operator API token), `POST /auth/logout`, and
 * `GET /api/v1/me` (who is signed in, their guilds and the CSRF token the dashboard sends with changes).
 *
 * The /auth routes log at warn only: Fastify's request lines would otherwise write Discord's code and state
 * (they are in the callback URL) to the log.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_TOKEN_PREFIX, hashApiToken } from '../../auth/api-token.ts';
import type { ApiTokenRepository } from '../../storage/api-token-repository.ts';
import { assertCookieRequestAllowed } from '../auth.ts';
import { API_PREFIX, ApiError, commonErrorResponses, envelopeOf, errorEnvelope, ok } from '../envelope.ts';
import { clearCookie, readCookie, sessionCookieFor, setCookie, signInCookieFor } from '../cookies.ts';
import type { DashboardSessions } from './dashboard-sessions.ts';
import type { DiscordSignIn } from './discord-sign-in.ts';
import { sendBrowserFlowStart, sendHtmlPage } from '../html-reply.ts';

export type DashboardGuild = { id: string; name: string; iconUrl: string | null };

export type DashboardRoutesOptions = {
  signIn: DiscordSignIn;
  sessions: DashboardSessions;
  tokens: Pick<ApiTokenRepository, 'findActiveByHash'>;
  /** The guilds the bot is in, with names, for /me. */
  guilds: () => DashboardGuild[];
  publicUrl: string;
};

const callbackQuery = z.object({
  code: z.string().max(4096, 'code is too long').optional(),
  state: z.string().max(512, 'state is too long').optional(),
  error: z.string().max(256, 'error is too long').optional(),
  error_description: z.string().max(2048, 'error_description is too long').optional(),
});

const tokenBody = z.strictObject({
  token: z
    .string({ error: 'token is required: an operator API token (sbt_…)' })
    .max(200, 'token is too long')
    .refine((t) => t.startsWith(API_TOKEN_PREFIX), `token must be an operator API token (it starts with ${API_TOKEN_PREFIX})`),
});

const guildSchema = z.object({ id: z.string(), name: z.string(), iconUrl: z.string().nullable() });
const meSchema = z.object({
  user: z.object({ id: z.string(), name: z.string(), avatarUrl: z.string().nullable() }).nullable(),
  kind: z.enum(['discord', 'token']),
  role: z.enum(['admin', 'viewer', 'guild-manager']),
  guilds: z.array(guildSchema),
  csrfToken: z.string(),
});

export function dashboardRoutes(app: FastifyInstance, options: DashboardRoutesOptions): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const sessionCookie = sessionCookieFor(options.publicUrl);
  const signInCookie = signInCookieFor(options.publicUrl);
  const publicOrigin = new URL(options.publicUrl).origin;
  const checks = { publicOrigin, csrfValid: (cookie: string, presented: string | undefined) => options.sessions.csrfValid(cookie, presented) };

  typed.get('/auth/discord/login', { logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
    return sendBrowserFlowStart(reply, signInCookie, await options.signIn.start(request.ip, request.headers['user-agent'] ?? ''));
  });

  typed.get('/auth/discord/callback', { logLevel: 'warn', schema: { hide: true, querystring: callbackQuery } }, async (request, reply) => {
    const binding = readCookie(request.headers.cookie, signInCookie.name);
    const result = await options.signIn.callback(request.query, binding, request.ip);
    // The flow is over whatever happened: the binding is of no further use.
    const cookies = [clearCookie(signInCookie)];
    if (result.kind === 'page') return sendHtmlPage(reply.header('set-cookie', cookies), result.page);
    cookies.push(setCookie(sessionCookie, result.opened.cookieValue, result.opened.maxAgeSeconds));
    return reply.status(302).header('set-cookie', cookies).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('location', '/').send();
  });

  typed.post(
    '/auth/token',
    {
      logLevel: 'warn',
      schema: {
        tags: ['dashboard'],
        summary: 'Sign in to the dashboard with an operator API token: sets the session cookie',
        body: tokenBody,
        response: { 204: z.null(), 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 429: errorEnvelope },
      },
    },
    async (request, reply) => {
      // A cross-site page cannot sign a browser in to someone else's token (login CSRF).
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== publicOrigin) throw new ApiError(403, 'csrf_failed', `Sign-in must come from ${publicOrigin}.`);
      const token = await options.tokens.findActiveByHash(hashApiToken(request.body.token));
      if (!token) throw new ApiError(401, 'unauthorized', 'The API token is not valid or has been revoked.');
      const opened = await options.sessions.open({ kind: 'token', userId: null, userName: token.name, avatarUrl: null, role: token.role, guildIds: [], apiTokenId: token.id });
      request.log.info({ tokenName: token.name, role: token.role }, 'signed in to the dashboard with an API token');
      return reply.status(204).header('set-cookie', setCookie(sessionCookie, opened.cookieValue, opened.maxAgeSeconds)).header('cache-control', 'no-store').send(null);
    },
  );

  typed.post(
    '/auth/logout',
    {
      logLevel: 'warn',
      schema: { tags: ['dashboard'], summary: 'Sign out of the dashboard (needs X-CSRF-Token)', response: { 204: z.null(), 403: errorEnvelope, 429: errorEnvelope } },
    },
    async (request, reply) => {
      const cookieValue = readCookie(request.headers.cookie, sessionCookie.name);
      if (cookieValue && (await options.sessions.find(cookieValue))) {
        assertCookieRequestAllowed(request, checks, cookieValue);
        await options.sessions.close(cookieValue);
      }
      return reply.status(204).header('set-cookie', clearCookie(sessionCookie)).header('cache-control', 'no-store').send(null);
    },
  );

  typed.get(
    `${API_PREFIX}/me`,
    {
      config: { auth: 'viewer', dashboard: 'signed-in' },
      schema: {
        tags: ['dashboard'],
        summary: 'The dashboard session: who is signed in, their role and guilds, and the CSRF token for changes',
        response: { 200: envelopeOf(meSchema), ...commonErrorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      const cookieValue = readCookie(request.headers.cookie, sessionCookie.name);
      if (principal?.kind !== 'session' || !cookieValue) throw new ApiError(401, 'no_session', 'GET /me describes a dashboard session: sign in first (POST /auth/token or /auth/discord/login).');
      const session = await options.sessions.find(cookieValue);
      if (!session) throw new ApiError(401, 'session_expired', 'The dashboard session has expired or was signed out: sign in again.');
      const known = options.guilds();
      const guilds =
        session.role === 'guild-manager'
          ? session.guildIds.map((id) => known.find((g) => g.id === id) ?? { id, name: id, iconUrl: null })
          : known;
      reply.header('cache-control', 'no-store');
      return ok({
        user: session.kind === 'discord' && session.userId !== null ? { id: session.userId, name: session.userName, avatarUrl: session.avatarUrl } : null,
        kind: session.kind,
        role: session.role,
        guilds,
        csrfToken: options.sessions.csrfToken(cookieValue),
      });
    },
  );
}
