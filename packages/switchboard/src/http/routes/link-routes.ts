/**
 * The browser side of account linking, outside /api/v1: GET /link/:token (a one-time link from /link)
 * sets the browser-binding cookie and redirects to the provider; GET /link/callback/:platform is where
 * the provider sends the browser back. Both answer small HTML pages.
 *
 * The binding cookie is `__Host-switchboard-link` on https and `switchboard-link` on http (see cookies.ts).
 *
 * These routes log at warn only: Fastify's request lines would otherwise write the one-time token and
 * the provider's code and state (they are in the URL) to the log.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LinkFlow } from '../../modules/linking/link-flow.ts';
import { clearCookie, linkCookieFor, readCookie } from '../cookies.ts';
import { sendBrowserFlowStart, sendHtmlPage } from '../html-reply.ts';

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

export function linkRoutes(app: FastifyInstance, options: LinkRoutesOptions): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const cookie = linkCookieFor(options.publicUrl);

  typed.get(
    '/link/:token',
    { logLevel: 'warn', schema: { hide: true, params: tokenParams } },
    async (request, reply) => {
      // No Referer: the one-time link's URL must not reach the provider.
      return sendBrowserFlowStart(reply, cookie, await options.flow.start(request.params.token, request.ip, request.headers['user-agent'] ?? ''));
    },
  );

  typed.get(
    '/link/callback/:platform',
    { logLevel: 'warn', schema: { hide: true, params: callbackParams, querystring: callbackQuery } },
    async (request, reply) => {
      const binding = readCookie(request.headers.cookie, cookie.name);
      const page = await options.flow.callback(request.params.platform, request.query, binding, request.ip);
      // The flow is over whatever happened: the binding is of no further use.
      reply.header('set-cookie', clearCookie(cookie));
      return sendHtmlPage(reply, page);
    },
  );
}
