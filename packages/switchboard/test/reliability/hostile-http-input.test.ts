/**
 * Reliability: thousands of hostile requests across every /api/v1 operation of the OpenAPI document, with an
 * admin token — malformed, oversized, wrongly typed and injection-shaped path parameters, query strings and
 * bodies, generated with fast-check from the operation's own schemas. No answer may be a 5xx, the hub must
 * stay up, and a refused request (4xx) must not have written a row: every table is counted around each one.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { generateApiToken } from '../../src/auth/api-token.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { describeEachDatabase, type TestDatabase } from '../support/databases.ts';
import { testHub } from '../support/hub.ts';
import { apiRoutes, fillPath } from './support/api-routes.ts';
import { hostileBody, hostileParam } from './support/hostile-requests.ts';

const REQUESTS_PER_OPERATION = 30;

async function tableCounter(database: TestDatabase): Promise<() => Promise<string>> {
  const tables = (await database.db.introspection.getTables())
    .filter((t) => !t.isView && (database.location.schema === undefined || t.schema === database.location.schema))
    .map((t) => t.name)
    .filter((name) => /^[a-z_][a-z0-9_]*$/.test(name));
  if (tables.length < 5) throw new Error(`only ${tables.length} tables found`);
  const query = sql.raw(tables.map((name) => `select '${name}' as t, count(*) as n from ${name}`).join(' union all '));
  return async () => {
    const rows = (await query.execute(database.db)).rows as { t: string; n: number | string }[];
    return rows.map((r) => `${r.t}=${r.n}`).join(' ');
  };
}

describeEachDatabase('reliability: hostile HTTP input', ({ it, open }) => {
  const hubs: Hub[] = [];
  after(async () => {
    for (const hub of hubs) await hub.stop();
  });

  it('no 5xx, the hub stays up, and refused requests write nothing', async () => {
    const database = await open();
    const hub = await testHub(database, { APP_CALLBACKS_ALLOW_LOOPBACK: 'true', API_RATE_LIMIT_PER_MINUTE: '1000000', IP_RATE_LIMIT_PER_MINUTE: '1000000' });
    hubs.push(hub);
    const material = generateApiToken();
    await new ApiTokenRepository(database.db).create({ id: material.id, name: 'fuzz-admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    const authorization = `Bearer ${material.token}`;
    const registered = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { authorization },
      payload: { id: 'alpha', name: 'alpha', callbackUrl: 'http://127.0.0.1:9/hooks', events: ['message.create'], guilds: ['300000000000000001'] },
    });
    assert.equal(registered.statusCode, 201, registered.body);

    const counts = await tableCounter(database);
    const routes = (await apiRoutes(hub.http)).filter((route) => !(route.method === 'DELETE' && route.template === '/api/v1/tokens/:idOrName'));
    // Fixed, so that a CI run is repeatable; RELIABILITY_SEED explores other inputs (a failure names its seed).
    const seed = Number(process.env.RELIABILITY_SEED ?? 20261125);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;

    for (const [index, route] of routes.entries()) {
      const parameters = route.operation.parameters ?? [];
      const bodySchema = route.operation.requestBody?.content?.['application/json']?.schema;
      const request = fc.record({
        path: fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, hostileParam]))),
        query: fc.array(fc.tuple(fc.constantFrom(...parameters.filter((p) => p.in === 'query').map((p) => p.name), 'unknown', '__proto__'), hostileParam), { maxLength: 3 }),
        body: route.operation.requestBody ? hostileBody(bodySchema) : fc.constant(undefined),
      });
      for (const sample of fc.sample(request, { numRuns: REQUESTS_PER_OPERATION, seed: seed + index })) {
        const path = fillPath(route.template, (name) => (sample.path as Record<string, string>)[name] ?? 'x');
        const query = new URLSearchParams(sample.query).toString();
        const url = `${path}${query ? `?${query}` : ''}`;
        const before = await counts();
        const response = await hub.http.inject({
          method: route.method as 'GET',
          url,
          headers: { authorization, ...(sample.body ? { 'content-type': sample.body.contentType } : {}) },
          ...(sample.body ? { payload: sample.body.text } : {}),
        });
        sent += 1;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const what = `${route.method} ${url.slice(0, 160)} ${sample.body ? sample.body.text.slice(0, 160) : ''}`;
        if (response.statusCode >= 500) problems.push(`${response.statusCode} for ${what}: ${response.body.slice(0, 200)}`);
        if (response.statusCode >= 400 && response.statusCode < 500) {
          const afterwards = await counts();
          if (afterwards !== before) problems.push(`${response.statusCode} for ${what} still changed the row counts: ${before} → ${afterwards}`);
        }
      }
    }

    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems in ${sent} requests (fast-check seed ${seed})`);
    assert.ok(sent >= 1_000, `only ${sent} requests`);
    assert.ok([...statuses.keys()].some((s) => s >= 400 && s < 500), 'the input was refused at least sometimes');
    assert.equal((await hub.http.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'the hub still answers');
  });
});
