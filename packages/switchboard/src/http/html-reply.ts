/** Replies to a browser: one of the hub's HTML pages (util/html-page.ts), or the start of a browser flow. */
import type { FastifyReply } from 'fastify';
import type { BrowserFlowStart, HtmlPage } from '../util/html-page.ts';
import { setCookie, type CookieSpec } from './cookies.ts';

export function sendHtmlPage(reply: FastifyReply, page: HtmlPage): FastifyReply {
  return reply.status(page.status).headers(page.headers).send(page.html);
}

/**
 * Begins a browser flow: the page when it cannot begin, else the redirect to the provider with the cookie
 * that binds the flow to this browser. No caching, and no Referer: the URL may carry a one-time token.
 */
export function sendBrowserFlowStart(reply: FastifyReply, cookie: CookieSpec, start: BrowserFlowStart): FastifyReply {
  if (start.kind === 'page') return sendHtmlPage(reply, start.page);
  return reply
    .status(302)
    .header('set-cookie', setCookie(cookie, start.browserBinding, start.maxAgeSeconds))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('location', start.location)
    .send();
}
