/** Serves the browser view: a static page and script that talk only to the control API. */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const files: Record<string, { name: string; type: string }> = {
  '/': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { name: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { name: 'style.css', type: 'text/css; charset=utf-8' },
};

const staticDir = fileURLToPath(new URL('./static/', import.meta.url));

export function isWebPath(path: string): boolean {
  return path in files;
}

export async function serveWeb(path: string, res: ServerResponse): Promise<void> {
  const file = files[path];
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  const content = await readFile(staticDir + file.name);
  res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': content.length, 'Cache-Control': 'no-cache' });
  res.end(content);
}
