/**
 * Secrets at rest: AES-256-GCM with a fresh 96-bit IV per write, the key id stored with the value so that
 * keys can rotate, and associated data naming the row and column so that a value copied into another row
 * or column does not decrypt. Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type EncryptionKey = { id: string; key: Buffer };

/** Where a value belongs; it is bound into the ciphertext. */
export type SecretPlace = { table: string; column: string; rowId: string };

const VERSION = 'v1';
const IV_BYTES = 12;

export class UnknownKeyError extends Error {
  readonly keyId: string;
  constructor(keyId: string) {
    super(`a stored value was encrypted with key "${keyId}", which is not in ENCRYPTION_KEYS: add it back (it may stay second in the list)`);
    this.keyId = keyId;
  }
}

function aad(place: SecretPlace): Buffer {
  return Buffer.from(`${place.table}.${place.column}.${place.rowId}`, 'utf8');
}

export class SecretBox {
  readonly #keys: Map<string, Buffer>;
  readonly #active: EncryptionKey;

  /** The first key encrypts; all of them decrypt. */
  constructor(keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('at least one encryption key is needed');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`encryption key ${k.id} must be 32 bytes`);
    this.#keys = new Map(keys.map((k) => [k.id, k.key]));
    this.#active = keys[0]!;
  }

  get activeKeyId(): string {
    return this.#active.id;
  }

  encrypt(plaintext: string, place: SecretPlace): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#active.key, iv);
    cipher.setAAD(aad(place));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.#active.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(sealed: string, place: SecretPlace): string {
    const [version, keyId, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !keyId || iv === undefined || body === undefined || tag === undefined) throw new Error('not an encrypted value');
    const key = this.#keys.get(keyId);
    if (!key) throw new UnknownKeyError(keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(place));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id a sealed value names, without decrypting it. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }
}

/** `id:base64key,id2:base64key2` → keys, first active. Throws with what is wrong. */
export function parseEncryptionKeys(text: string): EncryptionKey[] {
  const keys = text.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const [id, encoded] = entry.split(':');
    if (!id || !/^[\w-]{1,32}$/.test(id) || !encoded) throw new Error('each key must be written id:base64 (id of 1–32 letters, digits, - or _)');
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new Error(`key ${id} must decode to 32 bytes (openssl rand -base64 32)`);
    return { id, key };
  });
  if (keys.length === 0) throw new Error('needs at least one key');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must be unique');
  return keys;
}

export function generateEncryptionKey(id: string): EncryptionKey {
  return { id, key: randomBytes(32) };
}
