import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { apiRequest, apiText, ApiRequestError, problemsByPath, query } from '../src/api/api-client.ts';

let server: Server;
let base = '';
const seen: { method: string; url: string; csrf: string | undefined; contentType: string | undefined; body: string }[] = [];

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

before(async () => {
  server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    seen.push({ method: request.method ?? '', url: request.url ?? '', csrf: request.headers['x-csrf-token'] as string | undefined, contentType: request.headers['content-type'], body });
    const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    switch (request.url) {
      case '/api/v1/things':
        return json(200, { version: '1.0.0', data: [{ id: 'a' }] });
      case '/api/v1/change':
        return json(201, { version: '1.0.0', data: { echoed: JSON.parse(body) as unknown } });
      case '/api/v1/config':
        return json(422, { version: '1.0.0', error: { code: 'invalid_config', message: 'The configuration was not changed: 2 problem(s).', details: [{ path: 'meetings.defaultDurationMinutes', message: 'must be at least 5' }, { path: 'body.title', message: 'too long' }] } });
      case '/auth/logout':
        return response.writeHead(204).end();
      case '/broken':
        return response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
      case '/transcript':
        return response.writeHead(200, { 'content-type': 'text/plain' }).end('Ticket #1\nhello');
      default:
        return json(404, { version: '1.0.0', error: { code: 'not_found', message: 'There is no route.' } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('apiRequest', () => {
  it('unwraps the envelope of a read and sends no CSRF header with it', async () => {
    assert.deepEqual(await apiRequest(`${base}/api/v1/things`, { csrfToken: 'secret-csrf' }), [{ id: 'a' }]);
    assert.equal(seen.at(-1)?.csrf, undefined);
  });

  it('sends a change as JSON with the CSRF header', async () => {
    const result = await apiRequest<{ echoed: unknown }>(`${base}/api/v1/change`, { method: 'POST', body: { title: 'Hi' }, csrfToken: 'secret-csrf' });
    assert.deepEqual(result, { echoed: { title: 'Hi' } });
    assert.equal(seen.at(-1)?.csrf, 'secret-csrf');
    assert.equal(seen.at(-1)?.contentType, 'application/json');
  });

  it('uses the given media type (a merge patch)', async () => {
    await assert.rejects(apiRequest(`${base}/api/v1/config`, { method: 'PATCH', body: {}, contentType: 'application/merge-patch+json', csrfToken: 'c' }));
    assert.equal(seen.at(-1)?.contentType, 'application/merge-patch+json');
  });

  it('answers undefined for 204', async () => {
    assert.equal(await apiRequest(`${base}/auth/logout`, { method: 'POST', csrfToken: 'c' }), undefined);
  });

  it('turns the error envelope into an error with code, message and details', async () => {
    const error = await apiRequest(`${base}/api/v1/config`, { method: 'PATCH', body: { meetings: { defaultDurationMinutes: 1 } } }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiRequestError);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'invalid_config');
    assert.match(error.message, /not changed/);
    const problems = problemsByPath(error);
    assert.equal(problems.get('meetings.defaultDurationMinutes'), 'must be at least 5');
    assert.equal(problems.get('title'), 'too long');
  });

  it('explains an error without an envelope, and an unreachable hub', async () => {
    const broken = await apiRequest(`${base}/broken`).catch((e: unknown) => e);
    assert.ok(broken instanceof ApiRequestError);
    assert.equal(broken.code, 'http_502');
    const unreachable = await apiRequest('http://127.0.0.1:1/api/v1/status').catch((e: unknown) => e);
    assert.ok(unreachable instanceof ApiRequestError);
    assert.equal(unreachable.code, 'network_error');
  });
});

describe('apiText and query', () => {
  it('reads text as it is, and errors as envelopes', async () => {
    assert.equal(await apiText(`${base}/transcript`), 'Ticket #1\nhello');
    const missing = await apiText(`${base}/nothing`).catch((e: unknown) => e);
    assert.ok(missing instanceof ApiRequestError && missing.code === 'not_found');
  });

  it('leaves empty values out of a query string', () => {
    assert.equal(query({ status: 'open', q: '', category: undefined, offset: 0 }), '?status=open&offset=0');
    assert.equal(query({ q: null }), '');
  });
});
