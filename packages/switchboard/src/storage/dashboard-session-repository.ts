/**
 * Dashboard sessions. A session is found by the SHA-256 of its cookie, and only while it has not expired and,
 * for a token sign-in, while the operator token it was opened with is not revoked: revoking the token ends
 * the browser sessions made with it too.
 */
import type { Kysely } from 'kysely';
import type { DashboardRole, DashboardSessionKind, DashboardSessionsTable, Tables } from './schema.ts';

export type DashboardSessionRecord = {
  id: string;
  kind: DashboardSessionKind;
  userId: string | null;
  userName: string;
  avatarUrl: string | null;
  role: DashboardRole;
  guildIds: string[];
  apiTokenId: string | null;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
};

export type NewDashboardSession = Omit<DashboardSessionRecord, 'lastSeenAt'> & { tokenHash: string };

function parseGuildIds(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

function toRecord(row: DashboardSessionsTable): DashboardSessionRecord {
  return {
    id: row.id,
    kind: row.kind,
    userId: row.user_id,
    userName: row.user_name,
    avatarUrl: row.avatar_url,
    role: row.role,
    guildIds: parseGuildIds(row.guild_ids),
    apiTokenId: row.api_token_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastSeenAt: Number(row.last_seen_at),
  };
}

export class DashboardSessionRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async insert(session: NewDashboardSession): Promise<void> {
    await this.#db
      .insertInto('dashboard_sessions')
      .values({
        id: session.id,
        token_hash: session.tokenHash,
        kind: session.kind,
        user_id: session.userId,
        user_name: session.userName,
        avatar_url: session.avatarUrl,
        role: session.role,
        guild_ids: JSON.stringify(session.guildIds),
        api_token_id: session.apiTokenId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        last_seen_at: session.createdAt,
      })
      .execute();
  }

  /** The live session with this cookie hash: not expired at `now`, and its operator token (if any) not revoked. */
  async findLiveByHash(tokenHash: string, now: number): Promise<DashboardSessionRecord | undefined> {
    const row = await this.#db
      .selectFrom('dashboard_sessions')
      .selectAll('dashboard_sessions')
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .where((eb) =>
        eb.or([
          eb('api_token_id', 'is', null),
          eb.exists(
            eb
              .selectFrom('api_tokens')
              .select('api_tokens.id')
              .whereRef('api_tokens.id', '=', 'dashboard_sessions.api_token_id')
              .where('api_tokens.revoked_at', 'is', null),
          ),
        ]),
      )
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async touch(id: string, now: number): Promise<void> {
    await this.#db.updateTable('dashboard_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  /** Ends the session with this cookie hash; true when there was one. */
  async deleteByHash(tokenHash: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('dashboard_sessions').where('token_hash', '=', tokenHash).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Removes the sessions expired at `now`; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('dashboard_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
