/**
 * OAuth sessions of account linking. `consume` is one conditional update: of any number of concurrent
 * callbacks naming one state, exactly one finds `used_at` still null and sets it. The same statement checks
 * the browser binding and the provider and records a mismatch in `failure`, so a session presented from
 * the wrong browser or for the wrong provider is burned by that one attempt. A callback that loses (or
 * comes late) is classified by `recordRefusal`, which counts the refusal on the row in the same statement.
 * Refusals an instance decided without asking the database (callbacks that joined one already in flight)
 * are added in bulk by `addRefusals`: one statement for any number of them.
 */
import { sql, type Kysely } from 'kysely';
import type { OAuthPlatform, OAuthSessionFailure, OAuthSessionsTable, Tables } from './schema.ts';

export type OAuthSessionRecord = {
  id: string;
  discordUserId: string;
  platform: OAuthPlatform;
  /** Sealed; the store opens it. */
  sealedCodeVerifier: string | null;
  ipAddress: string;
  userAgent: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedIpAddress: string | null;
  failure: OAuthSessionFailure | null;
  refusedReplays: number;
  refusedExpired: number;
};

function toRecord(row: OAuthSessionsTable): OAuthSessionRecord {
  return {
    id: row.id,
    discordUserId: row.discord_user_id,
    platform: row.platform,
    sealedCodeVerifier: row.code_verifier,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
    usedIpAddress: row.used_ip_address,
    failure: row.failure,
    refusedReplays: Number(row.refused_replays),
    refusedExpired: Number(row.refused_expired),
  };
}

export type NewOAuthSession = {
  id: string;
  stateHash: string;
  browserBindingHash: string;
  discordUserId: string;
  platform: OAuthPlatform;
  sealedCodeVerifier: string | null;
  ipAddress: string;
  userAgent: string;
  createdAt: number;
  expiresAt: number;
};

/** What a refused callback found: the session was already used, or it had expired unused. */
export type OAuthRefusal = { kind: 'replayed' | 'expired'; session: OAuthSessionRecord };

export type OAuthSessionCounts = {
  /** Unused and not expired. */
  active: number;
  /** Consumed successfully. */
  used: number;
  /** Burned by a callback from another browser or for another provider. */
  burned: number;
  /** Expired unused. */
  expired: number;
  replaysRefused: number;
  expiredRefused: number;
};

export class OAuthSessionRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async insert(session: NewOAuthSession): Promise<void> {
    await this.#db
      .insertInto('oauth_sessions')
      .values({
        id: session.id,
        state_hash: session.stateHash,
        browser_binding_hash: session.browserBindingHash,
        discord_user_id: session.discordUserId,
        platform: session.platform,
        code_verifier: session.sealedCodeVerifier,
        ip_address: session.ipAddress,
        user_agent: session.userAgent,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        used_at: null,
        used_ip_address: null,
        failure: null,
        refused_replays: 0,
        refused_expired: 0,
      })
      .execute();
  }

  /**
   * Marks the unused, unexpired session with this state hash used, at once. Returns it (with `failure`
   * set when the binding or the provider did not match: it is burned all the same), or undefined when no
   * session qualified — unknown, already used or expired; `recordRefusal` tells which.
   */
  async consume(input: { stateHash: string; browserBindingHash: string; platform: OAuthPlatform; ip: string; now: number }): Promise<OAuthSessionRecord | undefined> {
    const row = await this.#db
      .updateTable('oauth_sessions')
      .set((eb) => ({
        used_at: input.now,
        used_ip_address: input.ip,
        failure: eb
          .case()
          .when('browser_binding_hash', '<>', input.browserBindingHash)
          .then(sql.lit<OAuthSessionFailure>('wrong_browser'))
          .when('platform', '<>', input.platform)
          .then(sql.lit<OAuthSessionFailure>('wrong_platform'))
          .else(null)
          .end(),
      }))
      .where('state_hash', '=', input.stateHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', input.now)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * After `consume` found nothing: counts the refusal on the session named by this state hash and says
   * why it was refused. Undefined: no such session (never issued, or already cleaned up).
   */
  async recordRefusal(stateHash: string): Promise<OAuthRefusal | undefined> {
    const row = await this.#db
      .updateTable('oauth_sessions')
      .set({
        refused_replays: sql`refused_replays + case when used_at is not null then 1 else 0 end`,
        refused_expired: sql`refused_expired + case when used_at is null then 1 else 0 end`,
      })
      .where('state_hash', '=', stateHash)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    const session = toRecord(row);
    return { kind: session.usedAt !== null ? 'replayed' : 'expired', session };
  }

  /**
   * Adds refusals decided elsewhere (by the instance that saw them) to the session named by this state
   * hash, in one statement. Nothing happens when no such session is kept.
   */
  async addRefusals(stateHash: string, counts: { replayed: number; expired: number }): Promise<void> {
    if (!Number.isSafeInteger(counts.replayed) || counts.replayed < 0) throw new RangeError(`replayed must be a whole number ≥ 0, got ${counts.replayed}`);
    if (!Number.isSafeInteger(counts.expired) || counts.expired < 0) throw new RangeError(`expired must be a whole number ≥ 0, got ${counts.expired}`);
    if (counts.replayed === 0 && counts.expired === 0) return;
    await this.#db
      .updateTable('oauth_sessions')
      .set({
        refused_replays: sql`refused_replays + ${counts.replayed}`,
        refused_expired: sql`refused_expired + ${counts.expired}`,
      })
      .where('state_hash', '=', stateHash)
      .execute();
  }

  /** Counts over the sessions still kept (the cleanup job removes finished ones after a day). */
  async counts(now: number): Promise<OAuthSessionCounts> {
    const row = await this.#db
      .selectFrom('oauth_sessions')
      .select([
        sql<number>`coalesce(sum(case when used_at is null and expires_at > ${now} then 1 else 0 end), 0)`.as('active'),
        sql<number>`coalesce(sum(case when used_at is not null and failure is null then 1 else 0 end), 0)`.as('used'),
        sql<number>`coalesce(sum(case when used_at is not null and failure is not null then 1 else 0 end), 0)`.as('burned'),
        sql<number>`coalesce(sum(case when used_at is null and expires_at <= ${now} then 1 else 0 end), 0)`.as('expired'),
        sql<number>`coalesce(sum(refused_replays), 0)`.as('replays_refused'),
        sql<number>`coalesce(sum(refused_expired), 0)`.as('expired_refused'),
      ])
      .executeTakeFirstOrThrow();
    return {
      active: Number(row.active),
      used: Number(row.used),
      burned: Number(row.burned),
      expired: Number(row.expired),
      replaysRefused: Number(row.replays_refused),
      expiredRefused: Number(row.expired_refused),
    };
  }

  /** Deletes sessions created before `cutoff` that are used, burned or expired (at `now`); returns how many. */
  async deleteFinishedCreatedBefore(cutoff: number, now: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('oauth_sessions')
      .where('created_at', '<', cutoff)
      .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async findByStateHash(stateHash: string): Promise<OAuthSessionRecord | undefined> {
    const row = await this.#db.selectFrom('oauth_sessions').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }
}
