/**
 * Key rotation for secrets at rest: re-encrypting every sealed value with the active key, and finding the
 * key ids stored values name that the configured keys lack (checked before the hub starts).
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../storage/schema.ts';
import { SEALED_COLUMNS, sealedColumnName, type SealedColumn } from './sealed-columns.ts';
import { SecretBox, UnknownKeyError, type SecretPlace } from './secret-box.ts';

export const DEFAULT_BATCH_SIZE = 200;

export type ColumnRotation = {
  table: string;
  column: string;
  /** Values re-encrypted with the active key. */
  reencrypted: number;
  /** Values already under the active key, left as they were. */
  alreadyActive: number;
};

/** A stored value that could not be decrypted; names where it is. */
export class ReencryptionError extends Error {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
  constructor(sealed: SealedColumn, rowId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot decrypt ${sealedColumnName(sealed)} of row ${sealed.idColumn}=${rowId}: ${reason}`, { cause });
    this.table = sealed.table;
    this.column = sealed.column;
    this.rowId = rowId;
  }
}

type Row = { id: string; value: string };

function placeOf(sealed: SealedColumn, rowId: string): SecretPlace {
  return { table: sealed.table, column: sealed.associatedColumn, rowId };
}

/** The next batch of non-null values after `after` (by id), in id order. */
async function readBatch(db: Kysely<Tables>, sealed: SealedColumn, after: string | undefined, limit: number): Promise<Row[]> {
  const id = sql.ref(sealed.idColumn);
  const value = sql.ref(sealed.column);
  const result = await sql<Row>`select ${id} as id, ${value} as value from ${sql.table(sealed.table)}
    where ${value} is not null ${after === undefined ? sql`` : sql`and ${id} > ${after}`}
    order by ${id} limit ${limit}`.execute(db);
  return result.rows.map((row) => ({ id: String(row.id), value: row.value }));
}

/**
 * Re-encrypts every sealed value that is not under the active key, column by column, in batches of
 * `batchSize` rows, each batch in its own transaction. A value changed meanwhile (a secret rotated by a
 * running hub) is left alone: it was just sealed with the active key. Throws ReencryptionError on the first
 * value that cannot be decrypted; the batches before it stay committed, so running it again resumes.
 */
export async function reencryptAll(db: Kysely<Tables>, box: SecretBox, options: { batchSize?: number; columns?: readonly SealedColumn[] } = {}): Promise<ColumnRotation[]> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive whole number');
  const results: ColumnRotation[] = [];
  for (const sealed of options.columns ?? SEALED_COLUMNS) {
    const result: ColumnRotation = { table: sealed.table, column: sealed.column, reencrypted: 0, alreadyActive: 0 };
    let after: string | undefined;
    for (;;) {
      const batch = await db.transaction().execute(async (trx) => {
        const rows = await readBatch(trx, sealed, after, batchSize);
        for (const row of rows) {
          if (SecretBox.keyIdOf(row.value) === box.activeKeyId) {
            result.alreadyActive++;
            continue;
          }
          let resealed: string;
          try {
            const place = placeOf(sealed, row.id);
            resealed = box.encrypt(box.decrypt(row.value, place), place);
          } catch (error) {
            throw new ReencryptionError(sealed, row.id, error);
          }
          const updated = await sql`update ${sql.table(sealed.table)} set ${sql.ref(sealed.column)} = ${resealed}
            where ${sql.ref(sealed.idColumn)} = ${row.id} and ${sql.ref(sealed.column)} = ${row.value}`.execute(trx);
          if (Number(updated.numAffectedRows ?? 0) > 0) result.reencrypted++;
          else result.alreadyActive++;
        }
        return rows;
      });
      if (batch.length < batchSize) break;
      after = batch.at(-1)!.id;
    }
    results.push(result);
  }
  return results;
}

/** Every key id named by a stored sealed value that the box cannot decrypt with, sorted. */
export async function unknownKeyIds(db: Kysely<Tables>, box: SecretBox, options: { columns?: readonly SealedColumn[] } = {}): Promise<string[]> {
  const known = new Set<string>([box.activeKeyId]);
  const unknown = new Set<string>();
  for (const sealed of options.columns ?? SEALED_COLUMNS) {
    let after: string | undefined;
    for (;;) {
      const rows = await readBatch(db, sealed, after, DEFAULT_BATCH_SIZE);
      for (const row of rows) {
        const keyId = SecretBox.keyIdOf(row.value);
        if (keyId === undefined || keyId === '' || known.has(keyId) || unknown.has(keyId)) continue;
        // SecretBox tells a missing key apart from every other failure; any other outcome means it holds the key.
        try {
          box.decrypt(row.value, placeOf(sealed, row.id));
          known.add(keyId);
        } catch (error) {
          if (error instanceof UnknownKeyError) unknown.add(keyId);
          else known.add(keyId);
        }
      }
      if (rows.length < DEFAULT_BATCH_SIZE) break;
      after = rows.at(-1)!.id;
    }
  }
  return [...unknown].sort();
}

/** The start check: rejects, naming the key ids and what to do, when stored values need a key that is not configured. */
export async function assertKeysPresent(db: Kysely<Tables>, box: SecretBox): Promise<void> {
  const missing = await unknownKeyIds(db, box);
  if (missing.length === 0) return;
  const names = missing.map((id) => `"${id}"`).join(', ');
  throw new Error(
    `stored secrets are encrypted with key id${missing.length === 1 ? '' : 's'} ${names}, which the configured encryption keys do not include: ` +
      'add the key back to ENCRYPTION_KEYS (it may stay second), or restore it (or the encryption-keys file next to the database); ' +
      'once it is back, `switchboard keys rotate` re-encrypts everything with the first key',
  );
}
