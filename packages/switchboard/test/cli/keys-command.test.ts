import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppRegistry } from '../../src/broker/app-registry.ts';
import { generateEncryptionKey, parseEncryptionKeys, SecretBox, type EncryptionKey } from '../../src/security/secret-box.ts';
import { AppRepository } from '../../src/storage/app-repository.ts';
import { runCli, tempFolder } from '../support/cli.ts';
import { describeEachDatabase, type TestDatabase } from '../support/databases.ts';
import { registerSealedApp } from '../support/sealed-app.ts';

const OLD = generateEncryptionKey('old');
const NEW = generateEncryptionKey('new');
const line = (key: EncryptionKey) => `${key.id}:${key.key.toString('base64')}`;

/** DATABASE_URL reaching the same data as the test's handle (on PostgreSQL, its own schema). */
function urlOf(database: TestDatabase): string {
  const { url, schema } = database.location;
  return schema === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

describeEachDatabase('switchboard keys rotate', ({ it, open }) => {
  it('re-encrypts every sealed value with the first key and prints what it did per column', async () => {
    const database = await open();
    const first = await registerSealedApp(database, OLD, 'app-1');
    const second = await registerSealedApp(database, OLD, 'app-2');
    const rotatedSecret = await new AppRegistry(new AppRepository(database.db), new SecretBox([OLD])).rotateSecret('app-2');

    const result = runCli(['keys', 'rotate'], { cwd: tempFolder(), env: { DATABASE_URL: urlOf(database), ENCRYPTION_KEYS: `${line(NEW)},${line(OLD)}` } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Active key: new \(from ENCRYPTION_KEYS\)/);
    assert.match(result.stdout, /apps\.signing_secret\s+2 re-encrypted, 0 already under new/);
    assert.match(result.stdout, /apps\.previous_signing_secret\s+1 re-encrypted, 0 already under new/);
    assert.match(result.stdout, /Done: 3 value\(s\) re-encrypted/);

    const rows = await database.db.selectFrom('apps').select(['id', 'signing_secret', 'previous_signing_secret']).orderBy('id').execute();
    const stored = rows.flatMap((r) => [r.signing_secret, r.previous_signing_secret].filter((v) => v !== null));
    assert.equal(stored.length, 3);
    for (const value of stored) assert.equal(SecretBox.keyIdOf(value), 'new');
    const registry = new AppRegistry(new AppRepository(database.db), new SecretBox([NEW]));
    assert.deepEqual(registry.signingSecrets((await registry.get('app-1'))!), [first]);
    assert.deepEqual(registry.signingSecrets((await registry.get('app-2'))!), [rotatedSecret, second]);

    const again = runCli(['keys', 'rotate'], { cwd: tempFolder(), env: { DATABASE_URL: urlOf(database), ENCRYPTION_KEYS: `${line(NEW)},${line(OLD)}` } });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /apps\.signing_secret\s+0 re-encrypted, 2 already under new/);
  });

  it('exits 1 naming table, column and row when a value cannot be decrypted', async () => {
    const database = await open();
    await registerSealedApp(database, OLD, 'app-1');
    const result = runCli(['keys', 'rotate'], { cwd: tempFolder(), env: { DATABASE_URL: urlOf(database), ENCRYPTION_KEYS: line(NEW) } });
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /cannot decrypt apps\.signing_secret of row id=app-1/);
    assert.match(result.stderr, /"old"/);
    const row = await database.db.selectFrom('apps').select('signing_secret').executeTakeFirstOrThrow();
    assert.equal(SecretBox.keyIdOf(row.signing_secret), 'old');
  });
});

describe('switchboard keys', () => {
  it('--help describes rotate and generate; no or an unknown subcommand exits 2', () => {
    const cwd = tempFolder();
    const help = runCli(['keys', '--help'], { cwd });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: switchboard keys <rotate\|generate>/);
    assert.match(help.stdout, /apps\.previous_signing_secret/);
    assert.match(runCli(['--help'], { cwd }).stdout, /^ {2}keys /m);
    const none = runCli(['keys'], { cwd });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /rotate or generate/);
    assert.equal(runCli(['keys', 'spin'], { cwd }).code, 2);
    assert.equal(runCli(['keys', 'rotate', '--fast'], { cwd }).code, 2);
  });

  it('generate prints a new key line that ENCRYPTION_KEYS accepts, different each time', () => {
    const cwd = tempFolder();
    const first = runCli(['keys', 'generate', '--id', 'k2025'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    const [key] = parseEncryptionKeys(first.stdout.trim());
    assert.equal(key!.id, 'k2025');
    assert.equal(key!.key.length, 32);
    assert.match(first.stderr, /put it first/);
    const second = runCli(['keys', 'generate'], { cwd });
    assert.match(second.stdout.trim(), /^key-\d{8}:[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(second.stdout.split(':')[1], first.stdout.split(':')[1]);
    const bad = runCli(['keys', 'generate', '--id', 'not valid'], { cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--id must be/);
  });
});
