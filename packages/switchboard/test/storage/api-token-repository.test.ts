import assert from 'node:assert/strict';
import { generateApiToken, hashApiToken } from '../../src/auth/api-token.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';

describeEachDatabase('API token repository', ({ it, open }) => {
  it('stores only the hash and finds the token by it', async () => {
    const database = await open();
    const tokens = new ApiTokenRepository(database.db);
    const material = generateApiToken();
    const created = await tokens.create({ id: material.id, name: 'ops', role: 'admin', tokenHash: material.hash, now: 1000 });
    assert.ok(created.ok);
    const rows = await database.db.selectFrom('api_tokens').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(material.token), 'the token itself must not be stored');
    assert.equal(rows[0]!.token_hash, hashApiToken(material.token));
    const found = await tokens.findActiveByHash(hashApiToken(material.token));
    assert.equal(found?.name, 'ops');
    assert.equal(found?.createdAt, 1000);
  });

  it('refuses a second token with the same name without writing', async () => {
    const database = await open();
    const tokens = new ApiTokenRepository(database.db);
    const a = generateApiToken();
    const b = generateApiToken();
    assert.ok((await tokens.create({ id: a.id, name: 'ci', role: 'viewer', tokenHash: a.hash, now: 1 })).ok);
    assert.deepEqual(await tokens.create({ id: b.id, name: 'ci', role: 'admin', tokenHash: b.hash, now: 2 }), { ok: false, reason: 'name_taken' });
    assert.equal((await tokens.list()).length, 1);
  });

  it('revokes by id or name, after which the token no longer authenticates', async () => {
    const database = await open();
    const tokens = new ApiTokenRepository(database.db);
    const a = generateApiToken();
    const b = generateApiToken();
    await tokens.create({ id: a.id, name: 'one', role: 'admin', tokenHash: a.hash, now: 1 });
    await tokens.create({ id: b.id, name: 'two', role: 'admin', tokenHash: b.hash, now: 2 });
    assert.equal((await tokens.revoke('one', 10))?.id, a.id);
    assert.equal((await tokens.revoke(b.id, 11))?.name, 'two');
    assert.equal(await tokens.revoke('one', 12), undefined, 'a revoked token cannot be revoked again');
    assert.equal(await tokens.findActiveByHash(a.hash), undefined);
    assert.equal(await tokens.findActiveByHash(b.hash), undefined);
    const listed = await tokens.list();
    assert.deepEqual(listed.map((t) => t.revokedAt), [10, 11]);
  });
});
