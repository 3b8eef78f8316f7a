/**
 * One-time links of account linking, as stored. `redeem` is one conditional update (`used_at` still null
 * and not expired, RETURNING the row): of any number of concurrent redeems of one link exactly one gets it.
 */
import type { Kysely } from 'kysely';
import type { LinkInvitationsTable, OAuthPlatform, Tables } from './schema.ts';

export type LinkInvitationRecord = {
  id: string;
  discordUserId: string;
  platform: OAuthPlatform;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
};

export type NewLinkInvitation = { id: string; tokenHash: string; discordUserId: string; platform: OAuthPlatform; createdAt: number; expiresAt: number };

function toRecord(row: LinkInvitationsTable): LinkInvitationRecord {
  return {
    id: row.id,
    discordUserId: row.discord_user_id,
    platform: row.platform,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
  };
}

export class LinkInvitationRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async insert(invitation: NewLinkInvitation): Promise<void> {
    await this.#db
      .insertInto('link_invitations')
      .values({
        id: invitation.id,
        token_hash: invitation.tokenHash,
        discord_user_id: invitation.discordUserId,
        platform: invitation.platform,
        created_at: invitation.createdAt,
        expires_at: invitation.expiresAt,
        used_at: null,
      })
      .execute();
  }

  /** Marks the unused, unexpired link with this token hash used and returns it; undefined when none qualified. */
  async redeem(tokenHash: string, now: number): Promise<LinkInvitationRecord | undefined> {
    const row = await this.#db
      .updateTable('link_invitations')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByTokenHash(tokenHash: string): Promise<LinkInvitationRecord | undefined> {
    const row = await this.#db.selectFrom('link_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Deletes links created before `cutoff` (used or not: by then every one has expired); returns how many. */
  async deleteCreatedBefore(cutoff: number): Promise<number> {
    const result = await this.#db.deleteFrom('link_invitations').where('created_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
