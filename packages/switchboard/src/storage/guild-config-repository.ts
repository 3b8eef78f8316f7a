/**
 * Guild configuration rows: stored overrides (read, and replaced only at the version read, together with
 * the audit entry, in one transaction), the last valid override file per guild, and the audit log.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { GuildConfigChangeSource, Tables } from './schema.ts';

export type StoredOverrides = { overrides: Record<string, unknown>; version: number };

export type AuditEntry = {
  id: string;
  guildId: string;
  actor: string;
  source: GuildConfigChangeSource;
  summary: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  at: number;
};

export type ReplaceOverridesInput = {
  guildId: string;
  /** The version read; the write fails (returns false) when another write came first. 0 when there was no row. */
  expectedVersion: number;
  overrides: Record<string, unknown>;
  actor: string;
  source: GuildConfigChangeSource;
  summary: string;
  before: Record<string, unknown>;
  now: number;
};

export class GuildConfigRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async stored(guildId: string): Promise<StoredOverrides> {
    const row = await this.#db.selectFrom('guild_config_overrides').select(['overrides', 'version']).where('guild_id', '=', guildId).executeTakeFirst();
    return row ? { overrides: JSON.parse(row.overrides) as Record<string, unknown>, version: Number(row.version) } : { overrides: {}, version: 0 };
  }

  /** Writes the new overrides and the audit entry together; false when the version moved meanwhile. */
  async replace(input: ReplaceOverridesInput): Promise<boolean> {
    const overrides = JSON.stringify(input.overrides);
    return this.#db.transaction().execute(async (trx) => {
      let written: boolean;
      if (input.expectedVersion === 0) {
        const inserted = await trx
          .insertInto('guild_config_overrides')
          .values({ guild_id: input.guildId, overrides, version: 1, updated_at: input.now, updated_by: input.actor })
          .onConflict((oc) => oc.column('guild_id').doNothing())
          .executeTakeFirst();
        written = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      } else {
        const updated = await trx
          .updateTable('guild_config_overrides')
          .set({ overrides, version: input.expectedVersion + 1, updated_at: input.now, updated_by: input.actor })
          .where('guild_id', '=', input.guildId)
          .where('version', '=', input.expectedVersion)
          .executeTakeFirst();
        written = Number(updated.numUpdatedRows) === 1;
      }
      if (!written) return false;
      await trx
        .insertInto('guild_config_audit')
        .values({
          id: randomUUID(),
          guild_id: input.guildId,
          actor: input.actor,
          source: input.source,
          summary: input.summary,
          before: JSON.stringify(input.before),
          after: overrides,
          at: input.now,
        })
        .execute();
      return true;
    });
  }

  /** The newest entries first; `before` pages back from an entry's time. */
  async audit(guildId: string, options: { limit: number; before?: number }): Promise<AuditEntry[]> {
    let query = this.#db.selectFrom('guild_config_audit').selectAll().where('guild_id', '=', guildId);
    if (options.before !== undefined) query = query.where('at', '<', options.before);
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((row) => ({
      id: row.id,
      guildId: row.guild_id,
      actor: row.actor,
      source: row.source,
      summary: row.summary,
      before: JSON.parse(row.before) as Record<string, unknown>,
      after: JSON.parse(row.after) as Record<string, unknown>,
      at: Number(row.at),
    }));
  }

  async lastValidFile(guildId: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.#db.selectFrom('guild_config_files').select('overrides').where('guild_id', '=', guildId).executeTakeFirst();
    return row ? (JSON.parse(row.overrides) as Record<string, unknown>) : undefined;
  }

  async allValidFiles(): Promise<Map<string, { overrides: Record<string, unknown>; fileHash: string }>> {
    const rows = await this.#db.selectFrom('guild_config_files').selectAll().execute();
    return new Map(rows.map((row) => [row.guild_id, { overrides: JSON.parse(row.overrides) as Record<string, unknown>, fileHash: row.file_hash }]));
  }

  async saveValidFile(guildId: string, overrides: Record<string, unknown>, fileHash: string, now: number): Promise<void> {
    const value = JSON.stringify(overrides);
    await this.#db
      .insertInto('guild_config_files')
      .values({ guild_id: guildId, overrides: value, file_hash: fileHash, loaded_at: now })
      .onConflict((oc) => oc.column('guild_id').doUpdateSet({ overrides: value, file_hash: fileHash, loaded_at: now }))
      .execute();
  }
}
