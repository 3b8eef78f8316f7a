/** A NUL character in a path parameter, the query or a JSON body is refused with a 400 naming where, on each database. */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { generateApiToken } from '../../src/auth/api-token.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { testHub } from '../support/hub.ts';

describeEachDatabase('NUL characters in requests', ({ it, open }) => {
  const hubs: Hub[] = [];
  after(async () => {
    for (const hub of hubs) await hub.stop();
  });

  it('are refused with 400 invalid_characters, never a 500', async () => {
    const database = await open();
    const hub = await testHub(database);
    hubs.push(hub);
    const material = generateApiToken();
    await new ApiTokenRepository(database.db).create({ id: material.id, name: 'ops', role: 'admin', tokenHash: material.hash, now: Date.now() });
    const headers = { authorization: `Bearer ${material.token}` };
    const cases = [
      { method: 'DELETE' as const, url: '/api/v1/tokens/a%00b', where: /^path\.idOrName/ },
      { method: 'GET' as const, url: '/api/v1/tokens?x=%00', where: /^query\.x/ },
      { method: 'POST' as const, url: '/api/v1/tokens', payload: { name: 'a\u0000b', role: 'viewer' }, where: /^body\.name/ },
    ];
    for (const { where, ...request } of cases) {
      const response = await hub.http.inject({ ...request, headers });
      assert.equal(response.statusCode, 400, `${request.method} ${request.url}: ${response.body}`);
      const error = response.json<{ error: { code: string; message: string } }>().error;
      assert.equal(error.code, 'invalid_characters');
      assert.match(error.message, where);
    }
    const tokens = await database.db.selectFrom('api_tokens').select('name').execute();
    assert.deepEqual(tokens.map((t) => t.name), ['ops'], 'nothing was written');
  });
});
