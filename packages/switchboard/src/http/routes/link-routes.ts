/**
 * The browser side of account linking, outside /api/v1: GET /link/:token (a one-time link from /link)
 * sets the browser-binding cookie and redirects to the provider; GET /link/callback/:platform is where
 * the provider sends the browser back. Both answer small HTML pages.
 *
 * The cookie: with an https PUBLIC_URL it is `__Host-switchboard-link` with Secure, HttpOnly,
 * SameSite=Lax and Path=/ (the `__Host-` prefix pins it to this exact host). On http (a hub on
 * localhost while developing) browsers refuse a `__Host-` cookie, which requires Secure, and would drop
 * a Secure cookie set over http; there it is `switchboard-link`, HttpOnly, SameSite=Lax, Path=/ and no
 * Secure. SameSite=Lax (not Strict) because the provider's redirect back is a cross-site top-level
 * navigation, which a Strict cookie would not come along with.
 *
 * These routes log at warn only: Fastify's request lines would otherwise write the one-time token and
 * the provider's code and state (they are in the URL) to the log.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LinkFlow } from '../../modules/linking/link-flow.ts';
import type { LinkPage } from '../../modules/linking/link-pages.ts';

export type LinkCookie = { name: string; attributes: string };

/** The binding cookie's name and attributes for a hub served at `publicUrl` (see the file comment). */
export function linkCookieFor(publicUrl: string): LinkCookie {
  return new URL(publicUrl).protocol === 'https:'
    ? { name: '__Host-switchboard-link', attributes: 'Path=/; Secure; HttpOnly; SameSite=Lax' }
    : { name: 'switchboard-link', attributes: 'Path=/; HttpOnly; SameSite=Lax' };
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4 pairs separated by `;`), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() !== name) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

// The token is 43 base64url characters; anything else cannot be a link and is answered by the page for an unknown link.
const tokenParams = z.object({ token: z.string().min(1, 'the link token is missing').max(200, 'the link token is too long') });
const callbackParams = z.object({ platform: z.string().min(1).max(32, 'platform is too long') });
// Providers add their own parameters (scope, authuser, prompt …); only these are read.
const callbackQuery = z.object({
  code: z.string().max(4096, 'code is too long').optional(),
  state: z.string().max(512, 'state is too long').optional(),
  error: z.string().max(256, 'error is too long').optional(),
  error_description: z.string().max(2048, 'error_description is too long').optional(),
});

export type LinkRoutesOptions = { flow: LinkFlow; publicUrl: string };

function sendPage(reply: FastifyReply, page: LinkPage): FastifyReply {
  return reply.status(page.status).headers(page.headers).send(page.html);
}

export function linkRoutes(app: FastifyInstance, options: LinkRoutesOptions): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const cookie = linkCookieFor(options.publicUrl);

  typed.get(
    '/link/:token',
    { logLevel: 'warn', schema: { hide: true, params: tokenParams } },
    async (request, reply) => {
      const result = await options.flow.start(request.params.token, request.ip, request.headers['user-agent'] ?? '');
      if (result.kind === 'page') return sendPage(reply, result.page);
      return reply
        .status(302)
        .header('set-cookie', `${cookie.name}=${result.browserBinding}; Max-Age=${result.maxAgeSeconds}; ${cookie.attributes}`)
        .header('cache-control', 'no-store')
        // Keeps the one-time link's URL from reaching the provider in a Referer header.
        .header('referrer-policy', 'no-referrer')
        .header('location', result.location)
        .send();
    },
  );

  typed.get(
    '/link/callback/:platform',
    { logLevel: 'warn', schema: { hide: true, params: callbackParams, querystring: callbackQuery } },
    async (request, reply) => {
      const binding = readCookie(request.headers.cookie, cookie.name);
      const page = await options.flow.callback(request.params.platform, request.query, binding, request.ip);
      // The flow is over whatever happened: the binding is of no further use.
      reply.header('set-cookie', `${cookie.name}=; Max-Age=0; ${cookie.attributes}`);
      return sendPage(reply, page);
    },
  );
}
