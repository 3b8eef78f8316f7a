/** Sends one of the hub's HTML pages (util/html-page.ts) with its status and headers. */
import type { FastifyReply } from 'fastify';
import type { HtmlPage } from '../util/html-page.ts';

export function sendHtmlPage(reply: FastifyReply, page: HtmlPage): FastifyReply {
  return reply.status(page.status).headers(page.headers).send(page.html);
}
