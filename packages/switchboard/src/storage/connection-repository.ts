/**
 * Linked connections, as stored: the tokens stay sealed here (ConnectionStore seals and opens them).
 *
 * `upsert` is one `insert … on conflict (discord_user_id, platform) do update` that also replaces the
 * row's id: the tokens are sealed for the id they are written with, and a refresh still in flight for the
 * replaced link (which writes by the old id) then finds no row and changes nothing.
 *
 * Refreshing is claimed: `claimRefresh` is one conditional update that re-checks that the connection is
 * still due (not relinked-needed, expiring, no claim or back-off pending) and sets
 * `next_refresh_attempt_at` to the claim's end. Of any number of instances, one gets the row; once it has
 * written the new expiry the row is no longer due, so a late claim finds nothing either. The outcome is
 * written by one statement guarded by that claim.
 */
import type { Kysely } from 'kysely';
import type { LinkedConnectionsTable, OAuthPlatform, Tables } from './schema.ts';

export type ConnectionRecord = {
  id: string;
  discordUserId: string;
  platform: OAuthPlatform;
  platformUserId: string;
  platformUsername: string;
  /** Sealed; the store opens it. */
  sealedAccessToken: string;
  /** Sealed; null when the provider issued no refresh token. */
  sealedRefreshToken: string | null;
  scopes: string[];
  expiresAt: number | null;
  needsRelinkAt: number | null;
  relinkNotifiedAt: number | null;
  refreshFailures: number;
  nextRefreshAttemptAt: number | null;
  lastRefreshedAt: number | null;
  createdAt: number;
  updatedAt: number;
};

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value));

function parseScopes(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}

function toRecord(row: LinkedConnectionsTable): ConnectionRecord {
  return {
    id: row.id,
    discordUserId: row.discord_user_id,
    platform: row.platform,
    platformUserId: row.platform_user_id,
    platformUsername: row.platform_username,
    sealedAccessToken: row.access_token,
    sealedRefreshToken: row.refresh_token,
    scopes: parseScopes(row.scopes),
    expiresAt: nullableNumber(row.expires_at),
    needsRelinkAt: nullableNumber(row.needs_relink_at),
    relinkNotifiedAt: nullableNumber(row.relink_notified_at),
    refreshFailures: Number(row.refresh_failures),
    nextRefreshAttemptAt: nullableNumber(row.next_refresh_attempt_at),
    lastRefreshedAt: nullableNumber(row.last_refreshed_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export type UpsertConnection = {
  id: string;
  discordUserId: string;
  platform: OAuthPlatform;
  platformUserId: string;
  platformUsername: string;
  sealedAccessToken: string;
  sealedRefreshToken: string | null;
  scopes: readonly string[];
  expiresAt: number | null;
  now: number;
};

export type RefreshedTokens = {
  sealedAccessToken: string;
  sealedRefreshToken: string | null;
  scopes: readonly string[];
  expiresAt: number | null;
};

export class ConnectionRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  /**
   * Inserts the link, or replaces the member's link on that platform: new id, tokens, account and a clean
   * refresh state (`created_at` is kept). Returns the row as stored.
   */
  async upsert(input: UpsertConnection): Promise<ConnectionRecord> {
    const row = await this.#db
      .insertInto('linked_connections')
      .values({
        id: input.id,
        discord_user_id: input.discordUserId,
        platform: input.platform,
        platform_user_id: input.platformUserId,
        platform_username: input.platformUsername,
        access_token: input.sealedAccessToken,
        refresh_token: input.sealedRefreshToken,
        scopes: JSON.stringify(input.scopes),
        expires_at: input.expiresAt,
        needs_relink_at: null,
        relink_notified_at: null,
        refresh_failures: 0,
        next_refresh_attempt_at: null,
        last_refreshed_at: null,
        created_at: input.now,
        updated_at: input.now,
      })
      .onConflict((oc) =>
        oc.columns(['discord_user_id', 'platform']).doUpdateSet((eb) => ({
          id: eb.ref('excluded.id'),
          platform_user_id: eb.ref('excluded.platform_user_id'),
          platform_username: eb.ref('excluded.platform_username'),
          access_token: eb.ref('excluded.access_token'),
          refresh_token: eb.ref('excluded.refresh_token'),
          scopes: eb.ref('excluded.scopes'),
          expires_at: eb.ref('excluded.expires_at'),
          needs_relink_at: null,
          relink_notified_at: null,
          refresh_failures: 0,
          next_refresh_attempt_at: null,
          last_refreshed_at: null,
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async find(discordUserId: string, platform: OAuthPlatform): Promise<ConnectionRecord | undefined> {
    const row = await this.#db.selectFrom('linked_connections').selectAll().where('discord_user_id', '=', discordUserId).where('platform', '=', platform).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findById(id: string): Promise<ConnectionRecord | undefined> {
    const row = await this.#db.selectFrom('linked_connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async listByUser(discordUserId: string): Promise<ConnectionRecord[]> {
    const rows = await this.#db.selectFrom('linked_connections').selectAll().where('discord_user_id', '=', discordUserId).orderBy('platform').execute();
    return rows.map(toRecord);
  }

  /** Every link on one platform, oldest first (for the hourly token validation). */
  async listByPlatform(platform: OAuthPlatform): Promise<ConnectionRecord[]> {
    const rows = await this.#db.selectFrom('linked_connections').selectAll().where('platform', '=', platform).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** How many links each platform has. */
  async countByPlatform(): Promise<Partial<Record<OAuthPlatform, number>>> {
    const rows = await this.#db
      .selectFrom('linked_connections')
      .select(['platform', (eb) => eb.fn.countAll<number>().as('links')])
      .groupBy('platform')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.platform, Number(row.links)]));
  }

  /**
   * The provider says the access token is no longer valid: its expiry becomes `now`, so that the refresh
   * job refreshes it on its next run. Returns whether the link (by id: not a newer one) still existed.
   */
  async markAccessTokenExpired(id: string, now: number): Promise<boolean> {
    const result = await this.#db.updateTable('linked_connections').set({ expires_at: now, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Returns whether a link was removed. */
  async delete(discordUserId: string, platform: OAuthPlatform): Promise<boolean> {
    const result = await this.#db.deleteFrom('linked_connections').where('discord_user_id', '=', discordUserId).where('platform', '=', platform).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Connections to refresh now: a refresh token, no dead grant, expiring before `now + withinMs`, and
   * neither claimed nor backing off. Soonest expiry first.
   */
  async dueForRefresh(now: number, withinMs: number, limit = 500): Promise<ConnectionRecord[]> {
    const rows = await this.#db
      .selectFrom('linked_connections')
      .selectAll()
      .where('refresh_token', 'is not', null)
      .where('needs_relink_at', 'is', null)
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', now + withinMs)
      .where((eb) => eb.or([eb('next_refresh_attempt_at', 'is', null), eb('next_refresh_attempt_at', '<=', now)]))
      .orderBy('expires_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  /**
   * Claims a due connection for one refresh until `claimUntil`. Undefined when it is no longer due: another
   * instance claimed or refreshed it, it was relinked (new id) or removed.
   */
  async claimRefresh(id: string, now: number, withinMs: number, claimUntil: number): Promise<ConnectionRecord | undefined> {
    const row = await this.#db
      .updateTable('linked_connections')
      .set({ next_refresh_attempt_at: claimUntil })
      .where('id', '=', id)
      .where('refresh_token', 'is not', null)
      .where('needs_relink_at', 'is', null)
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', now + withinMs)
      .where((eb) => eb.or([eb('next_refresh_attempt_at', 'is', null), eb('next_refresh_attempt_at', '<=', now)]))
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * Stores a refresh's tokens — the new access token and the (possibly rotated) refresh token in one
   * statement, so that neither is ever kept without the other — and releases the claim. False when the
   * claim was lost (the row was relinked, removed or claimed again after the claim ran out).
   */
  async recordRefreshed(id: string, claimUntil: number, tokens: RefreshedTokens, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('linked_connections')
      .set({
        access_token: tokens.sealedAccessToken,
        refresh_token: tokens.sealedRefreshToken,
        scopes: JSON.stringify(tokens.scopes),
        expires_at: tokens.expiresAt,
        refresh_failures: 0,
        next_refresh_attempt_at: null,
        last_refreshed_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('next_refresh_attempt_at', '=', claimUntil)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * The grant is dead: marks the connection for relinking and, in the same statement, as notified.
   * Returns the row when this call set the notice (the caller tells the member), undefined otherwise.
   */
  async recordRelinkNeeded(id: string, claimUntil: number, now: number): Promise<ConnectionRecord | undefined> {
    const row = await this.#db
      .updateTable('linked_connections')
      .set({ needs_relink_at: now, relink_notified_at: now, next_refresh_attempt_at: null, updated_at: now })
      .where('id', '=', id)
      .where('next_refresh_attempt_at', '=', claimUntil)
      .where('relink_notified_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** A failed refresh: counts it and backs off until `retryAt`. Returns the new failure count, or undefined when the claim was lost. */
  async recordRefreshFailure(id: string, claimUntil: number, retryAt: (failures: number) => number, now: number): Promise<number | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('linked_connections')
        .select('refresh_failures')
        .where('id', '=', id)
        .where('next_refresh_attempt_at', '=', claimUntil)
        .executeTakeFirst();
      if (!row) return undefined;
      const failures = Number(row.refresh_failures) + 1;
      const result = await trx
        .updateTable('linked_connections')
        .set({ refresh_failures: failures, next_refresh_attempt_at: retryAt(failures), updated_at: now })
        .where('id', '=', id)
        .where('next_refresh_attempt_at', '=', claimUntil)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0 ? failures : undefined;
    });
  }
}
