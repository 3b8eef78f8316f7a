import assert from 'node:assert/strict';
import { AppRegistry } from '../../src/broker/app-registry.ts';
import { ReencryptionError, reencryptAll, unknownKeyIds } from '../../src/security/key-rotation.ts';
import { SEALED_COLUMNS } from '../../src/security/sealed-columns.ts';
import { generateEncryptionKey, SecretBox, type EncryptionKey } from '../../src/security/secret-box.ts';
import { AppRepository } from '../../src/storage/app-repository.ts';
import { ConnectionStore } from '../../src/modules/linking/connection-store.ts';
import { ConnectionRepository } from '../../src/storage/connection-repository.ts';
import type { Database } from '../../src/storage/database.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { testHub, TEST_ENCRYPTION_KEYS } from '../support/hub.ts';

const OLD = generateEncryptionKey('old');
const NEW = generateEncryptionKey('new');

const input = (id: string) => ({ id, name: id, callbackUrl: 'https://example.org/hook', events: [], guilds: ['111111111111111111'], subscribedChannels: [], channels: {} });

function registry(database: Database, keys: EncryptionKey[]): AppRegistry {
  return new AppRegistry(new AppRepository(database.db), new SecretBox(keys));
}

/** Every sealed value in the database, as `table.column.rowId` → value. */
async function sealedValues(database: Database): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const app of await database.db.selectFrom('apps').selectAll().execute()) {
    values.set(`apps.signing_secret.${app.id}`, app.signing_secret);
    if (app.previous_signing_secret !== null) values.set(`apps.previous_signing_secret.${app.id}`, app.previous_signing_secret);
  }
  for (const session of await database.db.selectFrom('oauth_sessions').select(['id', 'code_verifier']).execute()) {
    if (session.code_verifier !== null) values.set(`oauth_sessions.code_verifier.${session.id}`, session.code_verifier);
  }
  return values;
}

async function insertOAuthSession(database: Database, id: string, codeVerifier: string | null): Promise<void> {
  await database.db
    .insertInto('oauth_sessions')
    .values({ id, state_hash: `state-${id}`, browser_binding_hash: 'b', discord_user_id: '1', platform: 'twitch', code_verifier: codeVerifier, ip_address: '127.0.0.1', user_agent: 'test', created_at: 1, expires_at: 2, used_at: null, used_ip_address: null, failure: null, refused_replays: 0, refused_expired: 0 })
    .execute();
}

describeEachDatabase('key rotation', ({ it, open }) => {
  it('re-encrypts every sealed column with the active key, in batches, and the values still open', async () => {
    const database = await open();
    const before = registry(database, [OLD]);
    const secrets = new Map<string, string[]>();
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) {
      const registered = await before.register(input(id));
      assert.ok(registered.ok);
      secrets.set(id, [registered.signingSecret]);
    }
    // a2 has a previous secret, sealed for signing_secret but now in previous_signing_secret.
    const rotated = await before.rotateSecret('a2');
    secrets.set('a2', [rotated!, ...secrets.get('a2')!]);
    const oldBox = new SecretBox([OLD]);
    await insertOAuthSession(database, 's1', oldBox.encrypt('verifier-1', { table: 'oauth_sessions', column: 'code_verifier', rowId: 's1' }));
    await insertOAuthSession(database, 's2', null);
    // One app already under the new key.
    const already = await registry(database, [NEW, OLD]).register(input('a6'));
    assert.ok(already.ok);
    secrets.set('a6', [already.signingSecret]);
    const untouched = (await sealedValues(database)).get('apps.signing_secret.a6');

    const box = new SecretBox([NEW, OLD]);
    const result = await reencryptAll(database.db, box, { batchSize: 2 });
    assert.deepEqual(result, [
      { table: 'apps', column: 'signing_secret', reencrypted: 5, alreadyActive: 1 },
      { table: 'apps', column: 'previous_signing_secret', reencrypted: 1, alreadyActive: 0 },
      { table: 'oauth_sessions', column: 'code_verifier', reencrypted: 1, alreadyActive: 0 },
      { table: 'linked_connections', column: 'access_token', reencrypted: 0, alreadyActive: 0 },
      { table: 'linked_connections', column: 'refresh_token', reencrypted: 0, alreadyActive: 0 },
      { table: 'stream_watches', column: 'webhook_secret', reencrypted: 0, alreadyActive: 0 },
    ]);
    assert.equal(result.length, SEALED_COLUMNS.length);

    const values = await sealedValues(database);
    assert.equal(values.size, 8);
    for (const [where, value] of values) assert.equal(SecretBox.keyIdOf(value), 'new', where);
    assert.equal(values.get('apps.signing_secret.a6'), untouched, 'a value under the active key is not rewritten');
    // Only the new key is needed now.
    const after = registry(database, [NEW]);
    for (const [id, expected] of secrets) assert.deepEqual(after.signingSecrets((await after.get(id))!), expected, id);
    assert.equal(new SecretBox([NEW]).decrypt(values.get('oauth_sessions.code_verifier.s1')!, { table: 'oauth_sessions', column: 'code_verifier', rowId: 's1' }), 'verifier-1');

    const again = await reencryptAll(database.db, box, { batchSize: 2 });
    assert.deepEqual(again.map((r) => [r.reencrypted, r.alreadyActive]), [[0, 6], [0, 1], [0, 1], [0, 0], [0, 0], [0, 0]]);
  });

  it("re-encrypts linked accounts' tokens so that the new key alone opens them, the row binding intact", async () => {
    const database = await open();
    const oldStore = new ConnectionStore(new ConnectionRepository(database.db), new SecretBox([OLD]));
    const tokens = (n: number) => ({ accessToken: `access-${n}`, refreshToken: n % 2 === 0 ? `refresh-${n}` : null, expiresAt: new Date(Date.now() + 3_600_000), scopes: ['user:read'] });
    for (let n = 0; n < 5; n++) {
      await oldStore.save({ discordUserId: `10000000000000000${n}`, platform: 'kick', platformUserId: `k${n}`, platformUsername: `kicker${n}`, tokens: tokens(n) });
    }
    const raw = await database.db.selectFrom('linked_connections').select(['access_token', 'refresh_token']).execute();
    for (const row of raw) assert.ok(!row.access_token.includes('access-'), 'stored sealed, never in the clear');

    const result = await reencryptAll(database.db, new SecretBox([NEW, OLD]), { batchSize: 2 });
    assert.deepEqual(
      result.filter((r) => r.table === 'linked_connections').map((r) => [r.column, r.reencrypted]),
      [['access_token', 5], ['refresh_token', 3]],
    );
    const newStore = new ConnectionStore(new ConnectionRepository(database.db), new SecretBox([NEW]));
    for (let n = 0; n < 5; n++) {
      const connection = await newStore.get(`10000000000000000${n}`, 'kick');
      assert.equal(connection?.accessToken, `access-${n}`);
      assert.equal(connection?.refreshToken, n % 2 === 0 ? `refresh-${n}` : null);
    }
    assert.deepEqual(await unknownKeyIds(database.db, new SecretBox([NEW])), []);
  });

  it('stops at a value it cannot decrypt, naming table, column and row, and rolls back that batch', async () => {
    const database = await open();
    await registry(database, [OLD]).register(input('a1'));
    await registry(database, [generateEncryptionKey('gone')]).register(input('a2'));
    await registry(database, [OLD]).register(input('a3'));
    const error = await reencryptAll(database.db, new SecretBox([NEW, OLD]), { batchSize: 10 }).then(
      () => assert.fail('expected a ReencryptionError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ReencryptionError);
    assert.equal(error.table, 'apps');
    assert.equal(error.column, 'signing_secret');
    assert.equal(error.rowId, 'a2');
    assert.match(error.message, /apps\.signing_secret of row id=a2/);
    assert.match(error.message, /"gone"/);
    const values = await sealedValues(database);
    assert.equal(SecretBox.keyIdOf(values.get('apps.signing_secret.a1')!), 'old', 'the failed batch was rolled back');
  });

  it('refuses a value copied into another row (its associated data does not match)', async () => {
    const database = await open();
    const apps = registry(database, [OLD]);
    await apps.register(input('a1'));
    await apps.register(input('a2'));
    const a1 = await database.db.selectFrom('apps').select('signing_secret').where('id', '=', 'a1').executeTakeFirstOrThrow();
    await database.db.updateTable('apps').set({ signing_secret: a1.signing_secret }).where('id', '=', 'a2').execute();
    await assert.rejects(reencryptAll(database.db, new SecretBox([NEW, OLD])), (e: unknown) => e instanceof ReencryptionError && e.rowId === 'a2');
  });

  it('unknownKeyIds lists the key ids stored values name that the box lacks', async () => {
    const database = await open();
    assert.deepEqual(await unknownKeyIds(database.db, new SecretBox([NEW])), []);
    await registry(database, [OLD]).register(input('a1'));
    await registry(database, [generateEncryptionKey('zeta')]).register(input('a2'));
    await registry(database, [generateEncryptionKey('alpha')]).register(input('a3'));
    await registry(database, [NEW]).register(input('a4'));
    await registry(database, [generateEncryptionKey('prev')]).rotateSecret('a4');
    assert.deepEqual(await unknownKeyIds(database.db, new SecretBox([NEW, OLD])), ['alpha', 'prev', 'zeta']);
    assert.deepEqual(await unknownKeyIds(database.db, new SecretBox([NEW])), ['alpha', 'old', 'prev', 'zeta']);
  });

  it('createHub refuses to start when a stored value names an unknown key', async () => {
    const database = await open();
    const gone = generateEncryptionKey('gone');
    await registry(database, [gone]).register(input('a1'));
    await assert.rejects(testHub(database), (error: Error) => {
      assert.match(error.message, /"gone"/);
      assert.match(error.message, /add the key back to ENCRYPTION_KEYS \(it may stay second\), or restore it/);
      return true;
    });
  });

  it('createHub starts when the old key is second in ENCRYPTION_KEYS', async () => {
    const database = await open();
    const gone = generateEncryptionKey('gone');
    await registry(database, [gone]).register(input('a1'));
    const hub = await testHub(database, { ENCRYPTION_KEYS: `${TEST_ENCRYPTION_KEYS},gone:${gone.key.toString('base64')}` });
    await hub.stop();
  });
});
