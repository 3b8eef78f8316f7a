import { describe, it as nodeIt } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encryptionKeyStatus, keyFileOf } from '../../src/doctor/key-checks.ts';
import { ConnectionStore } from '../../src/modules/linking/connection-store.ts';
import { generateEncryptionKey, SecretBox, type EncryptionKey } from '../../src/security/secret-box.ts';
import { ConnectionRepository } from '../../src/storage/connection-repository.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { describeEachDatabase, type TestDatabase } from '../support/databases.ts';
import { registerSealedApp } from '../support/sealed-app.ts';

const OLD = generateEncryptionKey('old-key');
const NEW = generateEncryptionKey('new-key');

async function linkAccount(database: TestDatabase, key: EncryptionKey): Promise<void> {
  await new ConnectionStore(new ConnectionRepository(database.db), new SecretBox([key])).save({
    discordUserId: '100000000000000001',
    platform: 'twitch',
    platformUserId: 'tw-1',
    platformUsername: 'streamer',
    tokens: { accessToken: 'access', refreshToken: 'refresh', expiresAt: null, scopes: [] },
  });
}

const configWith = (database: TestDatabase, keys: EncryptionKey[] | undefined) => ({ encryptionKeys: keys, databaseUrl: database.location.url });

describeEachDatabase('doctor: encryption keys', ({ it, open }) => {
  it('passes when every stored secret names a configured key, naming the active key', async () => {
    const database = await open();
    await registerSealedApp(database, OLD, 'app-1');
    await linkAccount(database, NEW);
    const result = await encryptionKeyStatus(configWith(database, [NEW, OLD]), database);
    assert.equal(result.status, 'pass', result.detail);
    assert.match(result.detail, /2 key\(s\) from ENCRYPTION_KEYS, active "new-key"; every stored secret names a configured key/);
  });

  it('fails counting and naming the secrets sealed with a key that was removed, per column', async () => {
    const database = await open();
    await registerSealedApp(database, OLD, 'app-1');
    await registerSealedApp(database, OLD, 'app-2');
    await linkAccount(database, OLD);
    await registerSealedApp(database, NEW, 'app-3');
    const result = await encryptionKeyStatus(configWith(database, [NEW]), database);
    assert.equal(result.status, 'fail');
    assert.match(result.detail, /^4 stored secret\(s\) sealed with key id\(s\) "old-key", which are not configured/);
    assert.match(result.detail, /apps\.signing_secret: 2 under "old-key"/);
    assert.match(result.detail, /linked_connections\.access_token: 1 under "old-key", linked_connections\.refresh_token: 1 under "old-key"/);
    assert.match(result.fix ?? '', /add the missing key back to ENCRYPTION_KEYS/);
    assert.match(result.fix ?? '', /switchboard keys rotate/);
  });
});

describe('doctor: the SQLite key file', () => {
  const folder = () => mkdtempSync(path.join(tmpdir(), 'switchboard-doctor-keys-'));

  nodeIt('reports that a key file will be created, and does not create it', async () => {
    const databaseFile = path.join(folder(), 'hub.db');
    const result = await encryptionKeyStatus({ encryptionKeys: undefined, databaseUrl: `sqlite:${databaseFile}` }, undefined);
    assert.equal(result.status, 'pass');
    assert.match(result.detail, /no key yet \(.*encryption-keys is created at the first start\)/);
    assert.equal(existsSync(keyFileOf(databaseFile)), false);
  });

  nodeIt('fails on a damaged key file, and warns on one others can read', async () => {
    const databaseFile = path.join(folder(), 'hub.db');
    writeFileSync(keyFileOf(databaseFile), 'not-a-key\n', { mode: 0o600 });
    const damaged = await encryptionKeyStatus({ encryptionKeys: undefined, databaseUrl: `sqlite:${databaseFile}` }, undefined);
    assert.equal(damaged.status, 'fail');
    assert.match(damaged.detail, /is not a valid key file/);
    assert.match(damaged.fix ?? '', /restore .*encryption-keys/);

    writeFileSync(keyFileOf(databaseFile), `file-key:${Buffer.alloc(32, 3).toString('base64')}\n`);
    chmodSync(keyFileOf(databaseFile), 0o644);
    const database = openDatabase(`sqlite:${databaseFile}`);
    try {
      const readable = await encryptionKeyStatus({ encryptionKeys: undefined, databaseUrl: `sqlite:${databaseFile}` }, database);
      assert.equal(readable.status, 'warn');
      assert.match(readable.detail, /1 key\(s\) from .*encryption-keys, active "file-key"; every stored secret names a configured key; the key file is readable by other users/);
      assert.match(readable.fix ?? '', /chmod 600/);
    } finally {
      await database.close();
    }
  });
});
