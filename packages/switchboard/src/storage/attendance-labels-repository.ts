/** Each guild's labels for the attendance buttons; a guild without its own uses the defaults. */
import type { Kysely } from 'kysely';
import type { Tables } from './schema.ts';

export type StoredLabels = Partial<Record<'yes' | 'maybe' | 'late' | 'no', string>>;

export class AttendanceLabelsRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async get(guildId: string): Promise<StoredLabels> {
    const row = await this.#db.selectFrom('attendance_guild_labels').select('labels').where('guild_id', '=', guildId).executeTakeFirst();
    return row ? (JSON.parse(row.labels) as StoredLabels) : {};
  }

  async set(guildId: string, labels: StoredLabels, now: number): Promise<void> {
    const value = JSON.stringify(labels);
    await this.#db
      .insertInto('attendance_guild_labels')
      .values({ guild_id: guildId, labels: value, updated_at: now })
      .onConflict((oc) => oc.column('guild_id').doUpdateSet({ labels: value, updated_at: now }))
      .execute();
  }
}
