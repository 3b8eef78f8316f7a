/**
 * Ticket categories of a guild. Role lists are JSON text: they are read and written whole with the category
 * and never queried by element. Names are unique per guild; a duplicate is reported, not thrown.
 */
import type { Kysely } from 'kysely';
import type { Tables, TicketCategoriesTable } from './schema.ts';

export type TicketCategoryRecord = {
  id: string;
  guildId: string;
  name: string;
  emoji: string | null;
  description: string | null;
  staffRoleIds: string[];
  pingRoleIds: string[];
  channelName: string | null;
  createdAt: number;
};

export type TicketCategoryChanges = Partial<Pick<TicketCategoryRecord, 'name' | 'emoji' | 'description' | 'staffRoleIds' | 'pingRoleIds' | 'channelName'>>;

function toRecord(row: TicketCategoriesTable): TicketCategoryRecord {
  return {
    id: row.id,
    guildId: row.guild_id,
    name: row.name,
    emoji: row.emoji,
    description: row.description,
    staffRoleIds: JSON.parse(row.staff_role_ids) as string[],
    pingRoleIds: JSON.parse(row.ping_role_ids) as string[],
    channelName: row.channel_name,
    createdAt: Number(row.created_at),
  };
}

export class TicketCategoryRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /** False when the guild already has a category of that name. */
  async create(category: TicketCategoryRecord): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('ticket_categories')
      .values({
        id: category.id,
        guild_id: category.guildId,
        name: category.name,
        emoji: category.emoji,
        description: category.description,
        staff_role_ids: JSON.stringify(category.staffRoleIds),
        ping_role_ids: JSON.stringify(category.pingRoleIds),
        channel_name: category.channelName,
        created_at: category.createdAt,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async get(guildId: string, id: string): Promise<TicketCategoryRecord | undefined> {
    const row = await this.#db.selectFrom('ticket_categories').selectAll().where('guild_id', '=', guildId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByName(guildId: string, name: string): Promise<TicketCategoryRecord | undefined> {
    const row = await this.#db.selectFrom('ticket_categories').selectAll().where('guild_id', '=', guildId).where('name', '=', name).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(guildId: string): Promise<TicketCategoryRecord[]> {
    const rows = await this.#db.selectFrom('ticket_categories').selectAll().where('guild_id', '=', guildId).orderBy('name').execute();
    return rows.map(toRecord);
  }

  /** The changed category, undefined when it does not exist, or `name_taken`. */
  async update(guildId: string, id: string, changes: TicketCategoryChanges): Promise<TicketCategoryRecord | undefined | 'name_taken'> {
    const set = {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.emoji !== undefined ? { emoji: changes.emoji } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.staffRoleIds !== undefined ? { staff_role_ids: JSON.stringify(changes.staffRoleIds) } : {}),
      ...(changes.pingRoleIds !== undefined ? { ping_role_ids: JSON.stringify(changes.pingRoleIds) } : {}),
      ...(changes.channelName !== undefined ? { channel_name: changes.channelName } : {}),
    };
    if (Object.keys(set).length === 0) return this.get(guildId, id);
    try {
      const row = await this.#db.updateTable('ticket_categories').set(set).where('guild_id', '=', guildId).where('id', '=', id).returningAll().executeTakeFirst();
      return row ? toRecord(row) : undefined;
    } catch (error) {
      if (isUniqueViolation(error)) return 'name_taken';
      throw error;
    }
  }

  async delete(guildId: string, id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('ticket_categories').where('guild_id', '=', guildId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

/**
 * Whether a statement broke a unique constraint, on either database: PostgreSQL says so with SQLSTATE 23505,
 * node:sqlite with the extended result code SQLITE_CONSTRAINT_UNIQUE (2067).
 */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === '23505' || errcode === 2067;
}
