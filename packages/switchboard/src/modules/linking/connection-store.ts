/**
 * Linked connections of account linking: a member's account on Twitch, YouTube, Kick or Discord with its
 * tokens. The tokens are sealed with the SecretBox at (linked_connections, access_token|refresh_token, id)
 * and never stored in the clear; only `get` and a refresh claim open them. `list` and `dueForRefresh`
 * return connections without tokens.
 *
 * Linking again on a platform replaces the link (a new id, fresh tokens, a clean refresh state).
 */
import { randomUUID } from 'node:crypto';
import type { SecretBox, SecretPlace } from '../../security/secret-box.ts';
import type { ConnectionRecord, ConnectionRepository } from '../../storage/connection-repository.ts';
import type { OAuthPlatform } from '../../storage/schema.ts';
import type { ProviderTokens } from './providers/oauth-provider-client.ts';
import { isOAuthPlatform } from './oauth-state.ts';

export const DEFAULT_REFRESH_WINDOW_MS = 15 * 60_000;

/** A connection without its tokens (the stored record less its sealed values). Times are milliseconds since the epoch. */
export type LinkedConnection = Omit<ConnectionRecord, 'sealedAccessToken' | 'sealedRefreshToken'>;

export type LinkedConnectionWithTokens = LinkedConnection & { accessToken: string; refreshToken: string | null };

export type SaveConnectionInput = {
  discordUserId: string;
  platform: OAuthPlatform;
  platformUserId: string;
  platformUsername: string;
  tokens: ProviderTokens;
};

/** A connection claimed for one refresh, until `claimUntil`, with its refresh token opened. */
export type ClaimedRefresh = { connection: LinkedConnection; refreshToken: string; claimUntil: number };

export type ConnectionStoreOptions = {
  /** Milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
  /** Row ids; random UUIDs by default. */
  newId?: () => string;
};

const place = (id: string, column: 'access_token' | 'refresh_token'): SecretPlace => ({ table: 'linked_connections', column, rowId: id });

function withoutTokens(record: ConnectionRecord): LinkedConnection {
  return {
    id: record.id,
    discordUserId: record.discordUserId,
    platform: record.platform,
    platformUserId: record.platformUserId,
    platformUsername: record.platformUsername,
    scopes: record.scopes,
    expiresAt: record.expiresAt,
    needsRelinkAt: record.needsRelinkAt,
    relinkNotifiedAt: record.relinkNotifiedAt,
    refreshFailures: record.refreshFailures,
    nextRefreshAttemptAt: record.nextRefreshAttemptAt,
    lastRefreshedAt: record.lastRefreshedAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export class ConnectionStore {
  readonly #repository: ConnectionRepository;
  readonly #secrets: SecretBox;
  readonly #now: () => number;
  readonly #newId: () => string;

  constructor(repository: ConnectionRepository, secrets: SecretBox, options: ConnectionStoreOptions = {}) {
    this.#repository = repository;
    this.#secrets = secrets;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
  }

  /** Links (or links again) the member's account on `platform`; the tokens are sealed. */
  async save(input: SaveConnectionInput): Promise<LinkedConnection> {
    if (!isOAuthPlatform(input.platform)) throw new RangeError(`unknown OAuth platform ${String(input.platform)}`);
    const id = this.#newId();
    const { tokens } = input;
    const record = await this.#repository.upsert({
      id,
      discordUserId: input.discordUserId,
      platform: input.platform,
      platformUserId: input.platformUserId,
      platformUsername: input.platformUsername,
      sealedAccessToken: this.#secrets.encrypt(tokens.accessToken, place(id, 'access_token')),
      sealedRefreshToken: tokens.refreshToken === null ? null : this.#secrets.encrypt(tokens.refreshToken, place(id, 'refresh_token')),
      scopes: tokens.scopes,
      expiresAt: tokens.expiresAt === null ? null : tokens.expiresAt.getTime(),
      now: this.#now(),
    });
    return withoutTokens(record);
  }

  /** The member's link on `platform` with its tokens opened. */
  async get(discordUserId: string, platform: OAuthPlatform): Promise<LinkedConnectionWithTokens | undefined> {
    const record = await this.#repository.find(discordUserId, platform);
    if (!record) return undefined;
    return {
      ...withoutTokens(record),
      accessToken: this.#secrets.decrypt(record.sealedAccessToken, place(record.id, 'access_token')),
      refreshToken: record.sealedRefreshToken === null ? null : this.#secrets.decrypt(record.sealedRefreshToken, place(record.id, 'refresh_token')),
    };
  }

  /** The member's links, without tokens, by platform. */
  async list(discordUserId: string): Promise<LinkedConnection[]> {
    return (await this.#repository.listByUser(discordUserId)).map(withoutTokens);
  }

  /** Every link on `platform` with its access token opened (the hourly Twitch validation needs them). */
  async listWithAccessTokens(platform: OAuthPlatform): Promise<(LinkedConnection & { accessToken: string })[]> {
    return (await this.#repository.listByPlatform(platform)).map((record) => ({
      ...withoutTokens(record),
      accessToken: this.#secrets.decrypt(record.sealedAccessToken, place(record.id, 'access_token')),
    }));
  }

  /** How many links each platform has. */
  async countByPlatform(): Promise<Partial<Record<OAuthPlatform, number>>> {
    return this.#repository.countByPlatform();
  }

  /** The access token was found invalid: it counts as expired from `now`, so the refresh job renews it next. */
  async markAccessTokenExpired(id: string, now: number): Promise<boolean> {
    return this.#repository.markAccessTokenExpired(id, now);
  }

  /** Unlinks; returns whether there was a link. */
  async remove(discordUserId: string, platform: OAuthPlatform): Promise<boolean> {
    return this.#repository.delete(discordUserId, platform);
  }

  /**
   * Connections whose access token expires before `now + withinMs` and that can be refreshed now: with a
   * refresh token, not waiting for a relink, neither claimed nor backing off.
   */
  async dueForRefresh(now: number, withinMs = DEFAULT_REFRESH_WINDOW_MS): Promise<LinkedConnection[]> {
    return (await this.#repository.dueForRefresh(now, withinMs)).map(withoutTokens);
  }

  /** Claims a due connection for one refresh (see ConnectionRepository.claimRefresh); undefined when another got it or it is no longer due. */
  async claimRefresh(id: string, now: number, claimMs: number, withinMs = DEFAULT_REFRESH_WINDOW_MS): Promise<ClaimedRefresh | undefined> {
    const claimUntil = now + claimMs;
    const record = await this.#repository.claimRefresh(id, now, withinMs, claimUntil);
    if (!record || record.sealedRefreshToken === null) return undefined;
    return {
      connection: withoutTokens(record),
      refreshToken: this.#secrets.decrypt(record.sealedRefreshToken, place(record.id, 'refresh_token')),
      claimUntil,
    };
  }

  /** Stores a refresh's access and refresh tokens together (one statement); false when the claim was lost. */
  async recordRefreshed(claim: ClaimedRefresh, tokens: ProviderTokens, now: number): Promise<boolean> {
    const { id } = claim.connection;
    return this.#repository.recordRefreshed(
      id,
      claim.claimUntil,
      {
        sealedAccessToken: this.#secrets.encrypt(tokens.accessToken, place(id, 'access_token')),
        sealedRefreshToken: tokens.refreshToken === null ? null : this.#secrets.encrypt(tokens.refreshToken, place(id, 'refresh_token')),
        scopes: tokens.scopes,
        expiresAt: tokens.expiresAt === null ? null : tokens.expiresAt.getTime(),
      },
      now,
    );
  }

  /** Marks the grant dead and notified; returns the connection when the member is to be told now (once). */
  async recordRelinkNeeded(claim: ClaimedRefresh, now: number): Promise<LinkedConnection | undefined> {
    const record = await this.#repository.recordRelinkNeeded(claim.connection.id, claim.claimUntil, now);
    return record ? withoutTokens(record) : undefined;
  }

  /** Counts a failed refresh and backs off until `retryAt(failures)`; the failure count, or undefined when the claim was lost. */
  async recordRefreshFailure(claim: ClaimedRefresh, retryAt: (failures: number) => number, now: number): Promise<number | undefined> {
    return this.#repository.recordRefreshFailure(claim.connection.id, claim.claimUntil, retryAt, now);
  }
}
