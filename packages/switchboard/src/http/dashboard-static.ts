/**
 * Serves the built dashboard (a single-page app) from a directory: its files as they are, with a year of
 * caching for Vite's content-hashed `/assets/*` and `no-cache` for everything else, and `index.html` for
 * any other GET path outside the hub's own prefixes so that the app's client-side routes load on refresh.
 * Paths are resolved inside the directory and anything that would leave it (`..`, encoded or not, NUL) is
 * a 404. Without a build, `/` says how to make one. Register it after every other route: it is the
 * catch-all GET route, and unknown paths under the hub's prefixes still get the API's JSON 404.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { htmlPage } from '../util/html-page.ts';

/** packages/dashboard/dist, found from this file so that it does not depend on the working directory. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

/** Paths the hub answers itself: never the dashboard's, so a typo there is a 404, not the app. */
const HUB_PREFIXES = ['/api', '/auth', '/link', '/meetings', '/webhooks', '/health', '/ready', '/metrics'];

export const DASHBOARD_CSP =
  "default-src 'self'; img-src 'self' https://cdn.discordapp.com data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

const IMMUTABLE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const INDEX_HEADERS: Readonly<Record<string, string>> = {
  'content-type': CONTENT_TYPES['.html']!,
  'cache-control': 'no-cache',
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

function isHubPath(urlPath: string): boolean {
  return HUB_PREFIXES.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

/** The decoded path, or undefined for one that cannot be served (bad escapes, NUL, backslashes, dot segments). */
function safePath(rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) return undefined;
  return decoded;
}

/** The file at `urlPath` inside `root`, or undefined when there is none (or it would be outside). */
async function fileIn(root: string, urlPath: string): Promise<{ file: string; size: number } | undefined> {
  const file = path.resolve(root, `.${urlPath}`);
  if (!file.startsWith(root + path.sep)) return undefined;
  try {
    const info = await stat(file);
    return info.isFile() ? { file, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

export function dashboardStatic(app: FastifyInstance, options: { directory: string }): void {
  const root = path.resolve(options.directory);
  const indexFile = path.join(root, 'index.html');

  const sendIndex = async (reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(indexFile);
    } catch {
      const page = htmlPage(503, 'The dashboard is not built yet', 'The dashboard is not built yet: run npm run build:dashboard');
      return reply.status(page.status).headers(page.headers).send(page.html);
    }
    return reply.status(200).headers(INDEX_HEADERS).send(html);
  };

  // GET also answers HEAD: Fastify's HEAD route runs this handler, keeps the headers and drops the body.
  app.get('/*', async (request, reply) => {
    const rawPath = request.url.split('?')[0]!;
    if (isHubPath(rawPath)) return reply.callNotFound();
    const urlPath = safePath(rawPath);
    if (urlPath === undefined || isHubPath(urlPath)) return reply.callNotFound();
    if (urlPath === '/' || urlPath === '/index.html') return sendIndex(reply);
    const found = await fileIn(root, urlPath);
    if (found) {
      const extension = path.extname(found.file).toLowerCase();
      return reply
        .status(200)
        .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
        .header('content-length', found.size)
        .header('cache-control', urlPath.startsWith('/assets/') ? IMMUTABLE : 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(found.file));
    }
    // A missing hashed asset must not be answered with the page: the browser would cache HTML as a script for a year.
    if (urlPath.startsWith('/assets/')) return reply.callNotFound();
    return sendIndex(reply);
  });
}
