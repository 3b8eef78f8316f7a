/** Who may not open tickets in a guild, and the warnings staff gave to users. */
import type { Kysely } from 'kysely';
import type { Tables } from './schema.ts';

export type TicketBlockRecord = { guildId: string; userId: string; reason: string | null; createdAt: number };

export type TicketWarningRecord = { id: string; guildId: string; userId: string; staffId: string; reason: string; createdAt: number };

export class TicketModerationRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** Blocks the user, or replaces the reason when already blocked. */
  async block(entry: TicketBlockRecord): Promise<void> {
    await this.#db
      .insertInto('ticket_blocklist')
      .values({ guild_id: entry.guildId, user_id: entry.userId, reason: entry.reason, created_at: entry.createdAt })
      .onConflict((oc) => oc.columns(['guild_id', 'user_id']).doUpdateSet({ reason: entry.reason }))
      .execute();
  }

  /** False when the user was not blocked. */
  async unblock(guildId: string, userId: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('ticket_blocklist').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async blockOf(guildId: string, userId: string): Promise<TicketBlockRecord | undefined> {
    const row = await this.#db.selectFrom('ticket_blocklist').selectAll().where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst();
    return row ? { guildId: row.guild_id, userId: row.user_id, reason: row.reason, createdAt: Number(row.created_at) } : undefined;
  }

  async addWarning(warning: TicketWarningRecord): Promise<void> {
    await this.#db
      .insertInto('ticket_warnings')
      .values({ id: warning.id, guild_id: warning.guildId, user_id: warning.userId, staff_id: warning.staffId, reason: warning.reason, created_at: warning.createdAt })
      .execute();
  }

  /** The user's warnings in the guild, oldest first. */
  async warnings(guildId: string, userId: string): Promise<TicketWarningRecord[]> {
    const rows = await this.#db
      .selectFrom('ticket_warnings')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ id: row.id, guildId: row.guild_id, userId: row.user_id, staffId: row.staff_id, reason: row.reason, createdAt: Number(row.created_at) }));
  }
}
