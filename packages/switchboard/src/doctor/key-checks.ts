/**
 * The Encryption keys check: the keys for secrets at rest are there and well-formed (ENCRYPTION_KEYS, or the
 * key file next to a SQLite database), and every stored sealed value names a key id among them. Values
 * sealed with a key that is no longer configured cannot be opened: they are counted per column and the key
 * ids named, as the start check would refuse to start on them. Reads only: unlike `start`, doctor never
 * creates the key file.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../config/environment.ts';
import { KEY_FILE_NAME, resolveEncryptionKeys } from '../security/encryption-keys.ts';
import { unknownKeyIds } from '../security/key-rotation.ts';
import { SEALED_COLUMNS, sealedColumnName, type SealedColumn } from '../security/sealed-columns.ts';
import { generateEncryptionKey, SecretBox, type EncryptionKey } from '../security/secret-box.ts';
import { sqlitePathOf, type Database } from '../storage/database.ts';
import { DATABASE_CHECK_TIMEOUT_MS, type CheckResult, type DoctorCheck } from './doctor-check.ts';

/** Where the keys come from, as far as doctor can tell without creating anything. */
type KeySource =
  | { kind: 'environment'; keys: EncryptionKey[] }
  | { kind: 'file'; keys: EncryptionKey[]; file: string }
  | { kind: 'none'; file: string }
  | { kind: 'invalid'; problem: string; fix: string };

/** The key file `start` uses (and creates) next to a SQLite database when ENCRYPTION_KEYS is unset. */
export function keyFileOf(databaseFile: string): string {
  return path.join(path.dirname(path.resolve(databaseFile)), KEY_FILE_NAME);
}

function keySource(config: Pick<Config, 'encryptionKeys' | 'databaseUrl'>): KeySource {
  if (config.encryptionKeys) return { kind: 'environment', keys: config.encryptionKeys };
  const database = sqlitePathOf(config.databaseUrl);
  if (database === undefined) return { kind: 'invalid', problem: 'ENCRYPTION_KEYS is not set', fix: 'set ENCRYPTION_KEYS (required with PostgreSQL): `switchboard keys generate` prints a key' };
  const file = keyFileOf(database);
  if (!existsSync(file)) return { kind: 'none', file };
  try {
    const resolved = resolveEncryptionKeys(config);
    return { kind: 'file', keys: resolved.keys, file };
  } catch (error) {
    return {
      kind: 'invalid',
      problem: error instanceof Error ? error.message : String(error),
      fix: `restore ${file} from a backup, or set ENCRYPTION_KEYS to the keys the stored secrets were sealed with`,
    };
  }
}

/** The sealed columns whose tables exist (a database not yet migrated lacks some). */
async function presentColumns(database: Database): Promise<SealedColumn[]> {
  const present: SealedColumn[] = [];
  for (const sealed of SEALED_COLUMNS) {
    const query =
      database.dialect === 'postgres'
        ? sql<{ found: number }>`select 1 as found where to_regclass(${sealed.table}) is not null`
        : sql<{ found: number }>`select 1 as found from sqlite_master where type = 'table' and name = ${sealed.table}`;
    if ((await query.execute(database.db)).rows.length > 0) present.push(sealed);
  }
  return present;
}

/** How many values of `sealed` name `keyId`. The SecretBox format begins `v1.<keyId>.`. */
async function countSealedWith(database: Database, sealed: SealedColumn, keyId: string): Promise<number> {
  const prefix = `v1.${keyId}.`;
  const column = sql.ref(sealed.column);
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(sealed.table)}
    where substr(${column}, 1, ${prefix.length}) = ${prefix}`.execute(database.db);
  return Number(result.rows[0]?.n ?? 0);
}

export type OrphanedSecrets = { keyIds: string[]; total: number; byColumn: Array<{ column: string; keyId: string; count: number }> };

/** The stored values sealed with a key the box lacks, counted per column and key id. */
export async function orphanedSecrets(database: Database, box: SecretBox): Promise<OrphanedSecrets> {
  const columns = await presentColumns(database);
  const keyIds = await unknownKeyIds(database.db, box, { columns });
  const byColumn: OrphanedSecrets['byColumn'] = [];
  for (const keyId of keyIds) {
    for (const sealed of columns) {
      const count = await countSealedWith(database, sealed, keyId);
      if (count > 0) byColumn.push({ column: sealedColumnName(sealed), keyId, count });
    }
  }
  return { keyIds, total: byColumn.reduce((sum, entry) => sum + entry.count, 0), byColumn };
}

function describeKeys(source: Extract<KeySource, { keys: EncryptionKey[] }>): string {
  const from = source.kind === 'environment' ? 'ENCRYPTION_KEYS' : source.file;
  return `${source.keys.length} key(s) from ${from}, active "${source.keys[0]!.id}"`;
}

export async function encryptionKeyStatus(config: Pick<Config, 'encryptionKeys' | 'databaseUrl'>, database: Database | undefined): Promise<CheckResult> {
  const source = keySource(config);
  if (source.kind === 'invalid') return { status: 'fail', detail: source.problem, fix: source.fix };
  let box: SecretBox;
  try {
    // With no key yet, a throwaway box: every key id a stored value names is then one that is missing.
    box = new SecretBox(source.kind === 'none' ? [generateEncryptionKey(`doctor-${process.pid}-${Date.now()}`)] : source.keys);
  } catch (error) {
    return { status: 'fail', detail: error instanceof Error ? error.message : String(error), fix: 'each key must decode to 32 bytes: `switchboard keys generate` prints one' };
  }
  const described = source.kind === 'none' ? `no key yet (${source.file} is created at the first start)` : describeKeys(source);
  if (database) {
    const orphaned = await orphanedSecrets(database, box);
    if (orphaned.total > 0) {
      const ids = orphaned.keyIds.map((id) => `"${id}"`).join(', ');
      return {
        status: 'fail',
        detail: `${orphaned.total} stored secret(s) sealed with key id(s) ${ids}, which are not configured (${orphaned.byColumn.map((e) => `${e.column}: ${e.count} under "${e.keyId}"`).join(', ')}); ${described}`,
        fix:
          'add the missing key back to ENCRYPTION_KEYS after the first (or restore the encryption-keys file next to the database), ' +
          'then run `switchboard keys rotate` to re-seal everything with the active key; until then `switchboard start` refuses to start',
      };
    }
  }
  const checked = !database ? '' : source.kind === 'none' ? '; no stored secrets yet' : '; every stored secret names a configured key';
  if (source.kind === 'file' && (statSync(source.file).mode & 0o077) !== 0) {
    return { status: 'warn', detail: `${described}${checked}; the key file is readable by other users`, fix: `chmod 600 ${source.file}` };
  }
  return { status: 'pass', detail: `${described}${checked}` };
}

/** `database` is shared with the other database checks; undefined (or unreachable) checks the keys alone. */
export function encryptionKeysCheck(config: Config | undefined, database: Database | undefined): DoctorCheck {
  return {
    name: 'Encryption keys',
    timeoutMs: DATABASE_CHECK_TIMEOUT_MS,
    async run() {
      if (!config) return { status: 'skip', detail: 'needs a valid configuration' };
      let reachable = database;
      try {
        await database?.ping();
      } catch {
        reachable = undefined;
      }
      return encryptionKeyStatus(config, reachable);
    },
  };
}
