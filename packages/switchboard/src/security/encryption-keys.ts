/**
 * The keys for secrets at rest: ENCRYPTION_KEYS when set; on a single machine with SQLite and no keys
 * configured, a key file next to the database, created on first use and readable by its owner only, so
 * that the default setup works with nothing but a Discord token. Doctor recommends moving it to the
 * environment.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/environment.ts';
import { sqlitePathOf } from '../storage/database.ts';
import { generateEncryptionKey, parseEncryptionKeys, type EncryptionKey } from './secret-box.ts';

export const KEY_FILE_NAME = 'encryption-keys';

export type ResolvedKeys = { keys: EncryptionKey[]; source: 'environment' | 'file'; file?: string; created?: boolean };

export function resolveEncryptionKeys(config: Pick<Config, 'encryptionKeys' | 'databaseUrl'>): ResolvedKeys {
  if (config.encryptionKeys) return { keys: config.encryptionKeys, source: 'environment' };
  const database = sqlitePathOf(config.databaseUrl);
  if (database === undefined) throw new Error('ENCRYPTION_KEYS is required with PostgreSQL');
  const file = path.join(path.dirname(path.resolve(database)), KEY_FILE_NAME);
  if (existsSync(file)) {
    try {
      return { keys: parseEncryptionKeys(readFileSync(file, 'utf8').trim()), source: 'file', file };
    } catch (error) {
      throw new Error(`${file} is not a valid key file: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  const key = generateEncryptionKey(`local-${new Date().toISOString().slice(0, 10)}`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key.id}:${key.key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { keys: [key], source: 'file', file, created: true };
}
