/** API tokens: only the SHA-256 of a token is stored; the token itself is shown once at creation. */
import type { Kysely } from 'kysely';
import type { ApiTokenRole, ApiTokensTable, Tables } from './schema.ts';

export type ApiTokenRecord = {
  id: string;
  name: string;
  role: ApiTokenRole;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
};

function toRecord(row: ApiTokensTable): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export type CreateTokenResult = { ok: true; token: ApiTokenRecord } | { ok: false; reason: 'name_taken' };

export class ApiTokenRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async create(input: { id: string; name: string; role: ApiTokenRole; tokenHash: string; now: number }): Promise<CreateTokenResult> {
    const inserted = await this.#db
      .insertInto('api_tokens')
      .values({
        id: input.id,
        name: input.name,
        role: input.role,
        token_hash: input.tokenHash,
        created_at: input.now,
        last_used_at: null,
        revoked_at: null,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted ? { ok: true, token: toRecord(inserted) } : { ok: false, reason: 'name_taken' };
  }

  /** The active (not revoked) token with this hash. */
  async findActiveByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<ApiTokenRecord[]> {
    const rows = await this.#db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('name').execute();
    return rows.map(toRecord);
  }

  /** Revokes by id or by name; returns the token, or undefined when none matched. */
  async revoke(idOrName: string, now: number): Promise<ApiTokenRecord | undefined> {
    const row = await this.#db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async touchLastUsed(id: string, now: number): Promise<void> {
    await this.#db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }
}
