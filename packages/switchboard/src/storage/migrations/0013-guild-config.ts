/**
 * Guild configuration: each guild's stored overrides (one JSON document, minimal, with a version for
 * optimistic updates), the last valid override file per guild (what a guild falls back to when its file
 * is later broken), and the audit log of every change (who, when, before → after). The attendance labels
 * guilds set before (migration 0008) move into their overrides.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migration.ts';

export const guildConfig: Migration = {
  id: '0013-guild-config',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('guild_config_overrides')
      .addColumn('guild_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('overrides', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('guild_config_files')
      .addColumn('guild_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('overrides', 'text', (c) => c.notNull())
      .addColumn('file_hash', 'text', (c) => c.notNull())
      .addColumn('loaded_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('guild_config_audit')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('guild_id', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('before', 'text', (c) => c.notNull())
      .addColumn('after', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('guild_config_audit_by_guild').on('guild_config_audit').columns(['guild_id', 'at']).execute();

    const rows = await sql<{ guild_id: string; labels: string; updated_at: number | string }>`select guild_id, labels, updated_at from attendance_guild_labels`.execute(db);
    for (const row of rows.rows) {
      const labels = JSON.parse(row.labels) as Record<string, unknown>;
      if (Object.keys(labels).length === 0) continue;
      const overrides = JSON.stringify({ attendance: { labels } });
      await sql`insert into guild_config_overrides (guild_id, overrides, version, updated_at, updated_by) values (${row.guild_id}, ${overrides}, ${1}, ${Number(row.updated_at)}, ${'migration'})`.execute(db);
    }
    await db.schema.dropTable('attendance_guild_labels').execute();
  },
};
