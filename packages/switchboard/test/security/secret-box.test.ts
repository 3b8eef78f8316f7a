import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateEncryptionKey, SecretBox, UnknownKeyError } from '../../src/security/secret-box.ts';
import { resolveEncryptionKeys } from '../../src/security/encryption-keys.ts';

const place = { table: 'apps', column: 'signing_secret', rowId: 'tracker' };

describe('secrets at rest', () => {
  it('round-trips with a fresh IV each time and names its key', () => {
    const box = new SecretBox([generateEncryptionKey('k1')]);
    const a = box.encrypt('whsec_secret', place);
    const b = box.encrypt('whsec_secret', place);
    assert.notEqual(a, b, 'a fresh IV per write');
    assert.equal(SecretBox.keyIdOf(a), 'k1');
    assert.equal(box.decrypt(a, place), 'whsec_secret');
    assert.ok(!a.includes('whsec_secret'));
  });

  it('refuses a value moved to another row or column, and a tampered one', () => {
    const box = new SecretBox([generateEncryptionKey('k1')]);
    const sealed = box.encrypt('token', place);
    assert.throws(() => box.decrypt(sealed, { ...place, rowId: 'other' }));
    assert.throws(() => box.decrypt(sealed, { ...place, column: 'access_token' }));
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered!').toString('base64url');
    assert.throws(() => box.decrypt(parts.join('.'), place));
  });

  it('decrypts with an older key after rotation, and names an unknown key', () => {
    const oldKey = generateEncryptionKey('old');
    const sealedBefore = new SecretBox([oldKey]).encrypt('value', place);
    const rotated = new SecretBox([generateEncryptionKey('new'), oldKey]);
    assert.equal(rotated.decrypt(sealedBefore, place), 'value');
    assert.equal(SecretBox.keyIdOf(rotated.encrypt('value', place)), 'new');
    const withoutOld = new SecretBox([generateEncryptionKey('new')]);
    assert.throws(() => withoutOld.decrypt(sealedBefore, place), (error: Error) => error instanceof UnknownKeyError && /"old"/.test(error.message));
  });

  it('creates a private key file next to a SQLite database when no keys are configured, and reuses it', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'switchboard-keys-'));
    const databaseUrl = `sqlite:${path.join(folder, 'db.sqlite')}`;
    const first = resolveEncryptionKeys({ encryptionKeys: undefined, databaseUrl });
    assert.equal(first.created, true);
    assert.equal(statSync(first.file!).mode & 0o777, 0o600);
    const second = resolveEncryptionKeys({ encryptionKeys: undefined, databaseUrl });
    assert.equal(second.created, undefined);
    assert.deepEqual(second.keys[0]!.key, first.keys[0]!.key);
    assert.throws(() => resolveEncryptionKeys({ encryptionKeys: undefined, databaseUrl: 'postgres://db/x' }), /required with PostgreSQL/);
  });
});
