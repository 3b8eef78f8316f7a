import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiToken } from '../../src/auth/api-token.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import type { ApiTokenRole } from '../../src/storage/schema.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { testHub } from '../support/hub.ts';

async function issueToken(hub: Hub, name: string, role: ApiTokenRole): Promise<string> {
  const material = generateApiToken();
  const created = await new ApiTokenRepository(hub.database.db).create({ id: material.id, name, role, tokenHash: material.hash, now: Date.now() });
  assert.ok(created.ok);
  return material.token;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeEachDatabase('HTTP API', ({ it, open }) => {
  let hub: Hub;
  let admin: string;
  let viewer: string;

  before(async () => {
    hub = await testHub(await open(), { HTTP_BODY_LIMIT_BYTES: '2048' });
    admin = await issueToken(hub, 'admin', 'admin');
    viewer = await issueToken(hub, 'viewer', 'viewer');
  });
  after(() => hub.stop());

  const tokenCount = async () => (await hub.database.db.selectFrom('api_tokens').select('id').execute()).length;

  it('answers /health and /ready', async () => {
    const health = await hub.http.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().status, 'ok');
    const ready = await hub.http.inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'healthy', checks: { database: 'ok' } });
  });

  it('401 without a token, with a malformed header and with an unknown token', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('sbt_not-a-real-token')]) {
      const response = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers });
      assert.equal(response.statusCode, 401, JSON.stringify(headers));
      const body = response.json();
      assert.equal(body.error.code, 'unauthorized');
      assert.equal(body.version, '1.0.0');
      assert.equal(response.headers['x-api-version'], '1.0.0');
    }
  });

  it('403 for a token without the role, 200 with it', async () => {
    const forbidden = await hub.http.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(viewer) });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().error.code, 'forbidden');
    assert.match(forbidden.json().error.message, /needs the admin role/);
    const allowed = await hub.http.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(admin) });
    assert.equal(allowed.statusCode, 200);
    assert.deepEqual(allowed.json().data.map((t: { name: string }) => t.name).sort(), ['admin', 'viewer']);
    const jobs = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer(viewer) });
    assert.equal(jobs.statusCode, 200);
    assert.equal(jobs.headers['x-api-version'], '1.0.0');
  });

  it('creates a token over the API, shows it once, and the new token works', async () => {
    const created = await hub.http.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin), payload: { name: 'deploy', role: 'viewer' } });
    assert.equal(created.statusCode, 201);
    const token = created.json().data.token as string;
    assert.match(token, /^sbt_/);
    const listed = await hub.http.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(admin) });
    assert.ok(!listed.body.includes(token), 'a listing never shows the token');
    const used = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer(token) });
    assert.equal(used.statusCode, 200);
    const revoked = await hub.http.inject({ method: 'DELETE', url: '/api/v1/tokens/deploy', headers: bearer(admin) });
    assert.equal(revoked.statusCode, 200);
    const after = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer(token) });
    assert.equal(after.statusCode, 401);
  });

  it('answers each kind of bad input with its envelope and writes nothing', async () => {
    const before = await tokenCount();
    const post = (payload: string, contentType = 'application/json') =>
      hub.http.inject({ method: 'POST', url: '/api/v1/tokens', headers: { ...bearer(admin), 'content-type': contentType }, payload });

    const malformed = await post('{"name": "x", ');
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'invalid_json');

    const empty = await post('');
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().error.code, 'invalid_json');

    const invalid = await post(JSON.stringify({ name: 'has spaces', role: 'emperor', extra: true }));
    assert.equal(invalid.statusCode, 400);
    const error = invalid.json().error;
    assert.equal(error.code, 'validation_failed');
    assert.deepEqual(error.details.map((d: { path: string }) => d.path).sort(), ['body', 'body.name', 'body.role']);

    const wrongType = await post(JSON.stringify(['not', 'an', 'object']));
    assert.equal(wrongType.statusCode, 400);
    assert.equal(wrongType.json().error.code, 'validation_failed');

    const huge = await post(JSON.stringify({ name: 'big', role: 'admin', padding: 'x'.repeat(5000) }));
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().error.code, 'payload_too_large');

    const text = await post('name=x', 'text/plain');
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error.code, 'unsupported_media_type');

    const missing = await hub.http.inject({ method: 'GET', url: '/api/v1/no-such-thing?x=1', headers: bearer(admin) });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { version: '1.0.0', error: { code: 'not_found', message: 'There is no route GET /api/v1/no-such-thing.' } });

    const duplicate = await hub.http.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin), payload: { name: 'admin', role: 'admin' } });
    assert.equal(duplicate.statusCode, 409);
    assert.equal(duplicate.json().error.code, 'name_taken');

    assert.equal(await tokenCount(), before, 'a rejected request wrote a row');
  });

  it('echoes a request id, or makes one', async () => {
    const given = await hub.http.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-42' } });
    assert.equal(given.headers['x-request-id'], 'trace-42');
    const made = await hub.http.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const response = await hub.http.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(response.statusCode, 200);
    const document = response.json();
    assert.equal(document.openapi, '3.1.0');
    const create = document.paths['/api/v1/tokens'].post;
    assert.deepEqual(create.security, [{ bearer: [] }]);
    const body = create.requestBody.content['application/json'].schema;
    assert.deepEqual(body.required.sort(), ['name', 'role']);
    assert.deepEqual(body.properties.role.enum, ['admin', 'viewer']);
    assert.ok(document.paths['/api/v1/jobs'].get.responses['200']);
    assert.ok(document.paths['/api/v1/tokens/{idOrName}'].delete);
  });
});

describeEachDatabase('HTTP rate limits', ({ it, open }) => {
  it('limits each token, then each address, with 429 and Retry-After', async () => {
    const hub = await testHub(await open(), { API_RATE_LIMIT_PER_MINUTE: '3', IP_RATE_LIMIT_PER_MINUTE: '6' });
    try {
      const token = await issueToken(hub, 'busy', 'viewer');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer(token) })).statusCode);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const limited = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer(token) });
      assert.equal(limited.json().error.code, 'rate_limited');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      // Five requests so far from this address; the sixth is the last one allowed, guesses included.
      const guess = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer('sbt_guess') });
      assert.equal(guess.statusCode, 401);
      const blocked = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer('sbt_guess2') });
      assert.equal(blocked.statusCode, 429);
      assert.match(blocked.json().error.message, /from this address/);
    } finally {
      await hub.stop();
    }
  });
});

describeEachDatabase('jobs over HTTP', ({ it, open }) => {
  it('GET /api/v1/jobs shows the last run of a job the running hub executed', async () => {
    const hub = await testHub(await open());
    try {
      await hub.start();
      const token = await issueToken(hub, 'ops', 'viewer');
      let job: { name: string; lastRun: { outcome: string; durationMs: number } | null } | undefined;
      for (let attempt = 0; attempt < 100 && !job?.lastRun?.outcome.match(/succeeded|failed/); attempt++) {
        await new Promise((r) => setTimeout(r, 50));
        const response = await hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: bearer(token) });
        job = response.json().data.find((j: { name: string }) => j.name === 'job-run-retention');
      }
      assert.equal(job?.lastRun?.outcome, 'succeeded');
      assert.equal(typeof job?.lastRun?.durationMs, 'number');
    } finally {
      await hub.stop();
    }
  });

  it('/ready says unhealthy with 503 when the database is gone', async () => {
    const database = await open();
    const hub = await testHub(database);
    await database.close();
    const response = await hub.http.inject({ method: 'GET', url: '/ready' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().status, 'unhealthy');
    assert.notEqual(response.json().checks.database, 'ok');
    await hub.stop();
  });
});
