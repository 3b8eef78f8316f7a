import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { DASHBOARD_CSP, dashboardStatic } from '../../src/http/dashboard-static.ts';
import { installErrorHandling } from '../../src/http/error-handler.ts';

const INDEX = '<!doctype html><title>Switchboard</title><div id="root"></div>';
const SCRIPT = 'console.log("dashboard");';

/** GET with the path sent as is (fetch and inject would resolve the dot segments first). */
function rawGet(address: string, requestPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${address}/`, { path: requestPath }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

/** A server like the hub's: the error envelope, one API route, one hub page, then the dashboard. */
async function serve(directory: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandling(app);
  app.get('/api/v1/ping', async () => ({ pong: true }));
  app.get('/health', async () => ({ status: 'ok' }));
  dashboardStatic(app, { directory });
  await app.ready();
  return app;
}

describe('the dashboard served from a directory', () => {
  let root: string;
  let dist: string;
  let app: FastifyInstance;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'switchboard-dashboard-'));
    dist = path.join(root, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), INDEX);
    writeFileSync(path.join(dist, 'assets', 'index-3f9a1c.js'), SCRIPT);
    writeFileSync(path.join(dist, 'assets', 'index-77aa00.css'), 'body{color:red}');
    writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(path.join(dist, 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    // A file beside the directory that no path may reach.
    writeFileSync(path.join(root, 'secret.txt'), 'do not serve');
    app = await serve(dist);
  });

  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers / with index.html, never cached, with the content security policy', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, INDEX);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(response.headers['cache-control'], 'no-cache');
    assert.equal(response.headers['content-security-policy'], DASHBOARD_CSP);
    assert.match(DASHBOARD_CSP, /img-src 'self' https:\/\/cdn\.discordapp\.com data:/);
    assert.match(DASHBOARD_CSP, /frame-ancestors 'none'/);
  });

  it('serves hashed assets with a year of immutable caching and their content type', async () => {
    const script = await app.inject({ method: 'GET', url: '/assets/index-3f9a1c.js' });
    assert.equal(script.statusCode, 200);
    assert.equal(script.body, SCRIPT);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(Number(script.headers['content-length']), Buffer.byteLength(SCRIPT));
    const style = await app.inject({ method: 'GET', url: '/assets/index-77aa00.css?v=1' });
    assert.equal(style.headers['content-type'], 'text/css; charset=utf-8');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'no-cache');
    const font = await app.inject({ method: 'GET', url: '/font.woff2' });
    assert.equal(font.headers['content-type'], 'font/woff2');
    assert.deepEqual(font.rawPayload, Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  });

  it('answers the app’s own routes with index.html (client-side routing)', async () => {
    for (const url of ['/tickets', '/tickets/900000000000000001/12', '/config?tab=meetings', '/sign-in']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.body, INDEX, url);
      assert.equal(response.headers['content-security-policy'], DASHBOARD_CSP, url);
    }
  });

  it('leaves the hub’s own paths alone: their routes answer, unknown ones are the API’s 404', async () => {
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/ping' })).json(), { pong: true });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/health' })).json(), { status: 'ok' });
    for (const url of ['/api/v1/no-such-thing', '/api', '/auth/nothing', '/link/abc', '/meetings/join/x', '/webhooks/twitch', '/metrics', '/ready/x']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'not_found', url);
    }
    // A path that only starts like a hub prefix is the app's.
    assert.equal((await app.inject({ method: 'GET', url: '/apps' })).body, INDEX);
    assert.equal((await app.inject({ method: 'GET', url: '/authors' })).body, INDEX);
  });

  it('does not answer a missing hashed asset with the page', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-000000.js' });
    assert.equal(response.statusCode, 404);
    assert.notEqual(response.body, INDEX);
  });

  it('refuses every way out of the directory, sent over a real socket exactly as written', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const paths = ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/index.html%00.js'];
    for (const requestPath of paths) {
      const response = await rawGet(address, requestPath);
      assert.equal(response.status, 404, requestPath);
      assert.ok(!response.body.includes('do not serve'), requestPath);
    }
    // A broken escape never reaches the handler: the router refuses it.
    assert.equal((await rawGet(address, '/%ZZ')).status, 400);
  });

  it('answers HEAD with the headers and no body', async () => {
    const script = await app.inject({ method: 'HEAD', url: '/assets/index-3f9a1c.js' });
    assert.equal(script.statusCode, 200);
    assert.equal(script.body, '');
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(Number(script.headers['content-length']), Buffer.byteLength(SCRIPT));
    const page = await app.inject({ method: 'HEAD', url: '/tickets' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.body, '');
    assert.equal(page.headers['content-security-policy'], DASHBOARD_CSP);
  });

  it('leaves other methods to the API’s 404', async () => {
    const response = await app.inject({ method: 'POST', url: '/tickets', payload: {} });
    assert.equal(response.statusCode, 404);
  });
});

describe('the dashboard before it is built', () => {
  let root: string;
  let app: FastifyInstance;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'switchboard-dashboard-'));
    app = await serve(path.join(root, 'dist'));
  });

  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('says how to build it at / and on the app’s routes', async () => {
    for (const url of ['/', '/tickets']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 503, url);
      assert.match(response.headers['content-type'] as string, /^text\/html/);
      assert.match(response.body, /The dashboard is not built yet: run npm run build:dashboard/);
    }
  });

  it('serves the build as soon as it appears, without a restart', async () => {
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    writeFileSync(path.join(root, 'dist', 'index.html'), INDEX);
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, INDEX);
  });
});
