/**
 * OAuth sessions of account linking: `begin` issues a state, a browser binding (the caller sets it as a
 * `__Host-` cookie) and, for PKCE, a code verifier; `consume` accepts the callback that brings them back.
 *
 * Consumption is atomic and happens once: one conditional update claims the session, so of any number of
 * concurrent callbacks with one state exactly one succeeds. A callback from another browser (binding
 * mismatch) or naming another provider is refused AND burns the session: a stolen state cannot be retried
 * with better guesses, and the member simply starts again. A refused replay or expired state is told apart
 * from an unknown one and counted on the session's row (`refused_replays`, `refused_expired`); those counts
 * last as long as the row, which the cleanup job removes a day after it is finished.
 *
 * Nothing is logged here: the caller logs the returned `reason`.
 */
import { randomUUID } from 'node:crypto';
import type { Job } from '../../jobs/job.ts';
import type { SecretBox, SecretPlace } from '../../security/secret-box.ts';
import type { OAuthSessionRepository } from '../../storage/oauth-session-repository.ts';
import type { OAuthPlatform } from '../../storage/schema.ts';
import { hashToken, isOAuthPlatform, randomToken } from './oauth-state.ts';

export const DEFAULT_OAUTH_SESSION_TTL_MS = 10 * 60_000;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

export type BeginOAuthInput = {
  discordUserId: string;
  platform: OAuthPlatform;
  /** Whether the provider takes PKCE: a code verifier is issued and kept sealed. */
  pkce: boolean;
  ip: string;
  userAgent: string;
  now: number;
  /** Defaults to 10 minutes. */
  ttlMs?: number;
};

export type BegunOAuthSession = {
  sessionId: string;
  /** Goes to the provider in the authorize URL; only its hash is stored. */
  state: string;
  /** The value of the `__Host-` cookie binding the flow to this browser; only its hash is stored. */
  browserBinding: string;
  codeVerifier: string | null;
};

export type ConsumeOAuthInput = {
  state: string;
  /** The `__Host-` cookie's value as the callback brought it. */
  browserBinding: string;
  /** The provider whose callback route was hit. */
  platform: OAuthPlatform;
  ip: string;
  now: number;
};

export type OAuthRefusalCode = 'unknown' | 'replayed' | 'expired' | 'wrong_browser' | 'wrong_platform';

export type ConsumeOAuthResult =
  | { ok: true; session: { sessionId: string; discordUserId: string; platform: OAuthPlatform; codeVerifier: string | null } }
  | { ok: false; code: OAuthRefusalCode; reason: string };

export type OAuthSessionStats = {
  /** Unused and not expired. */
  active: number;
  /** Consumed successfully. */
  used: number;
  /** Burned by a wrong browser or wrong provider. */
  burned: number;
  /** Expired unused. */
  expired: number;
  replaysRefused: number;
  expiredRefused: number;
  /** used / (used + burned + expired) over the finished sessions kept; null when none is finished. */
  successRate: number | null;
};

export const OAUTH_REFUSAL_REASONS: Readonly<Record<OAuthRefusalCode, string>> = {
  unknown: 'OAuth session unknown',
  replayed: 'OAuth session already used',
  expired: 'OAuth session expired',
  wrong_browser: 'OAuth session belongs to another browser',
  wrong_platform: 'OAuth session is for another provider',
};

function refuse(code: OAuthRefusalCode): ConsumeOAuthResult {
  return { ok: false, code, reason: OAUTH_REFUSAL_REASONS[code] };
}

function verifierPlace(sessionId: string): SecretPlace {
  return { table: 'oauth_sessions', column: 'code_verifier', rowId: sessionId };
}

export class OAuthSessionStore {
  readonly #repository: OAuthSessionRepository;
  readonly #secrets: SecretBox;

  constructor(repository: OAuthSessionRepository, secrets: SecretBox) {
    this.#repository = repository;
    this.#secrets = secrets;
  }

  async begin(input: BeginOAuthInput): Promise<BegunOAuthSession> {
    const ttlMs = input.ttlMs ?? DEFAULT_OAUTH_SESSION_TTL_MS;
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive whole number of milliseconds');
    if (!isOAuthPlatform(input.platform)) throw new RangeError(`unknown OAuth platform ${String(input.platform)}`);
    const sessionId = randomUUID();
    const state = randomToken();
    const browserBinding = randomToken();
    const codeVerifier = input.pkce ? randomToken() : null;
    await this.#repository.insert({
      id: sessionId,
      stateHash: hashToken(state),
      browserBindingHash: hashToken(browserBinding),
      discordUserId: input.discordUserId,
      platform: input.platform,
      sealedCodeVerifier: codeVerifier === null ? null : this.#secrets.encrypt(codeVerifier, verifierPlace(sessionId)),
      ipAddress: input.ip,
      userAgent: input.userAgent,
      createdAt: input.now,
      expiresAt: input.now + ttlMs,
    });
    return { sessionId, state, browserBinding, codeVerifier };
  }

  async consume(input: ConsumeOAuthInput): Promise<ConsumeOAuthResult> {
    if (typeof input.state !== 'string' || input.state === '') return refuse('unknown');
    const stateHash = hashToken(input.state);
    const claimed = await this.#repository.consume({
      stateHash,
      browserBindingHash: hashToken(typeof input.browserBinding === 'string' ? input.browserBinding : ''),
      platform: input.platform,
      ip: input.ip,
      now: input.now,
    });
    if (claimed) {
      if (claimed.failure !== null) return refuse(claimed.failure);
      const codeVerifier = claimed.sealedCodeVerifier === null ? null : this.#secrets.decrypt(claimed.sealedCodeVerifier, verifierPlace(claimed.id));
      return { ok: true, session: { sessionId: claimed.id, discordUserId: claimed.discordUserId, platform: claimed.platform, codeVerifier } };
    }
    const refusal = await this.#repository.recordRefusal(stateHash);
    return refuse(refusal ? refusal.kind : 'unknown');
  }

  async stats(now: number): Promise<OAuthSessionStats> {
    const counts = await this.#repository.counts(now);
    const finished = counts.used + counts.burned + counts.expired;
    return { ...counts, successRate: finished === 0 ? null : counts.used / finished };
  }

  /** Deletes used, burned and expired sessions created more than `olderThanMs` ago; returns how many. */
  async cleanup(now: number, olderThanMs = DAY_MS): Promise<number> {
    return this.#repository.deleteFinishedCreatedBefore(now - olderThanMs, now);
  }
}

/** Hourly: removes finished (used, burned or expired) OAuth sessions older than a day. */
export function oauthSessionCleanupJob(store: OAuthSessionStore): Job {
  return {
    name: 'oauth-session-cleanup',
    intervalMs: HOUR_MS,
    timeoutMs: 5 * 60_000,
    async run({ now }) {
      const deleted = await store.cleanup(now);
      return { summary: `deleted ${deleted} finished OAuth sessions older than a day` };
    },
  };
}
