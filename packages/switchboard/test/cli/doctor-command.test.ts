import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { AppRegistry } from '../../src/broker/app-registry.ts';
import { generateEncryptionKey, SecretBox, type EncryptionKey } from '../../src/security/secret-box.ts';
import { AppRepository } from '../../src/storage/app-repository.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { runCli, tempFolder } from '../support/cli.ts';

const OLD = generateEncryptionKey('removed');
const NEW = generateEncryptionKey('current');
const line = (key: EncryptionKey) => `${key.id}:${key.key.toString('base64')}`;

describe('switchboard doctor: exit codes', () => {
  it('exits 0 on a migrated setup, and 1 with what to do once a stored secret needs a removed key', async () => {
    const cwd = tempFolder();
    const env = { ENCRYPTION_KEYS: line(OLD) };
    assert.equal(runCli(['migrate'], { cwd, env }).code, 0);
    const database = openDatabase(`sqlite:${path.join(cwd, 'data', 'switchboard.db')}`);
    try {
      const registered = await new AppRegistry(new AppRepository(database.db), new SecretBox([OLD])).register({
        id: 'app-1', name: 'app-1', callbackUrl: 'https://example.org/hook', events: [], guilds: ['111111111111111111'], subscribedChannels: [], channels: {},
      });
      assert.ok(registered.ok);
    } finally {
      await database.close();
    }

    const good = runCli(['doctor'], { cwd, env });
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /PASS\s+Encryption keys\s+1 key\(s\) from ENCRYPTION_KEYS, active "removed"/);

    const bad = runCli(['doctor'], { cwd, env: { ENCRYPTION_KEYS: line(NEW) } });
    assert.equal(bad.code, 1, bad.stdout);
    assert.match(bad.stdout, /FAIL\s+Encryption keys\s+1 stored secret\(s\) sealed with key id\(s\) "removed"/);
    assert.match(bad.stdout, /What to do:\n(.*\n)* {2}- Encryption keys: add the missing key back/);

    const json = JSON.parse(runCli(['doctor', '--json'], { cwd, env: { ENCRYPTION_KEYS: line(NEW) } }).stdout) as Array<{ name: string; status: string }>;
    assert.equal(json.find((r) => r.name === 'Encryption keys')?.status, 'fail');
  });

  it('exits 1 on a misconfigured OAuth provider and on a bad PUBLIC_URL, naming each', () => {
    const cwd = tempFolder();
    runCli(['migrate'], { cwd });
    const pathInUrl = runCli(['doctor'], { cwd, env: { PUBLIC_URL: 'https://switchboard.example.com/hub' } });
    assert.equal(pathInUrl.code, 1, pathInUrl.stdout);
    assert.match(pathInUrl.stdout, /FAIL\s+Public URL\s+PUBLIC_URL https:\/\/switchboard\.example\.com\/hub has a path \(\/hub\)/);
    const oauth = runCli(['doctor'], { cwd, env: { DISCORD_CLIENT_SECRET: 'client-secret-1' } });
    assert.equal(oauth.code, 1, oauth.stdout);
    assert.match(oauth.stdout, /FAIL\s+OAuth: Discord\s+DISCORD_CLIENT_SECRET is set but DISCORD_CLIENT_ID is not/);
    assert.match(oauth.stdout, /FAIL\s+Configuration\s+1 problem\(s\): DISCORD_CLIENT_ID/);
  });
});
