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
 * Within one instance consumption is single-flight per state: the first callback for a state asks the
 * database; callbacks for the same state that arrive while it is in flight, or after it claimed the
 * session, are refused as replays without a database round trip, and their refusals are counted in memory
 * and written in one statement per state (`OAuthRefusalTally`). The conditional update stays the guarantee
 * across instances. A burst of 500 callbacks on one state thus costs two statements instead of 1,000, and
 * no callback waits behind the others' statements. A consumption that claimed nothing is not remembered:
 * the next callback for that state asks the database again.
 *
 * Nothing is logged here: the caller logs the returned `reason`.
 */
import { randomUUID } from 'node:crypto';
import type { Job } from '../../jobs/job.ts';
import type { SecretBox, SecretPlace } from '../../security/secret-box.ts';
import type { OAuthSessionRepository } from '../../storage/oauth-session-repository.ts';
import type { OAuthPlatform } from '../../storage/schema.ts';
import { OAuthRefusalTally } from './oauth-refusal-tally.ts';
import { hashToken, isOAuthPlatform, randomToken } from './oauth-state.ts';

export const DEFAULT_OAUTH_SESSION_TTL_MS = 10 * 60_000;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
/** States this instance remembers as consumed (or being consumed); the oldest are forgotten first. */
const REMEMBERED_STATES = 10_000;

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

/** How one state's consumption in this instance ended: the session claimed, or why nothing was. */
type FlightOutcome = { claimed: true } | { claimed: false; code: 'unknown' | 'replayed' | 'expired' };

/** A consumption in flight, or done and claimed (then `expiresAt` is the session's expiry). */
type Flight = { outcome: Promise<FlightOutcome>; expiresAt: number | undefined };

function verifierPlace(sessionId: string): SecretPlace {
  return { table: 'oauth_sessions', column: 'code_verifier', rowId: sessionId };
}

export class OAuthSessionStore {
  readonly #repository: OAuthSessionRepository;
  readonly #secrets: SecretBox;
  /** By state hash, in the order they began. */
  readonly #flights = new Map<string, Flight>();
  readonly #refusals: OAuthRefusalTally;

  constructor(repository: OAuthSessionRepository, secrets: SecretBox) {
    this.#repository = repository;
    this.#secrets = secrets;
    this.#refusals = new OAuthRefusalTally((stateHash, counts) => repository.addRefusals(stateHash, counts));
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
    const known = this.#flights.get(stateHash);
    if (known) return this.#join(stateHash, known);
    this.#forgetExpired(input.now);

    let settle!: (outcome: FlightOutcome) => void;
    let fail!: (error: unknown) => void;
    const flight: Flight = {
      outcome: new Promise<FlightOutcome>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      }),
      expiresAt: undefined,
    };
    // Nobody may have joined: the leader reports its own error.
    flight.outcome.catch(() => undefined);
    this.#remember(stateHash, flight);
    try {
      const claimed = await this.#repository.consume({
        stateHash,
        browserBindingHash: hashToken(typeof input.browserBinding === 'string' ? input.browserBinding : ''),
        platform: input.platform,
        ip: input.ip,
        now: input.now,
      });
      if (claimed) {
        flight.expiresAt = claimed.expiresAt;
        settle({ claimed: true });
        if (claimed.failure !== null) return refuse(claimed.failure);
        const codeVerifier = claimed.sealedCodeVerifier === null ? null : this.#secrets.decrypt(claimed.sealedCodeVerifier, verifierPlace(claimed.id));
        return { ok: true, session: { sessionId: claimed.id, discordUserId: claimed.discordUserId, platform: claimed.platform, codeVerifier } };
      }
      const refusal = await this.#repository.recordRefusal(stateHash);
      const code = refusal ? refusal.kind : 'unknown';
      this.#forget(stateHash, flight);
      settle({ claimed: false, code });
      return refuse(code);
    } catch (error) {
      this.#forget(stateHash, flight);
      fail(error);
      throw error;
    }
  }

  /** Writes the refusals counted in memory; `stats` and shutdown call it. */
  flushRefusals(): Promise<void> {
    return this.#refusals.flush();
  }

  /** A callback for a state this instance is consuming or has consumed: it shares that outcome, as a refusal. */
  async #join(stateHash: string, flight: Flight): Promise<ConsumeOAuthResult> {
    const outcome = await flight.outcome;
    const code = outcome.claimed ? 'replayed' : outcome.code;
    if (code !== 'unknown') this.#refusals.add(stateHash, code);
    return refuse(code);
  }

  #remember(stateHash: string, flight: Flight): void {
    this.#flights.set(stateHash, flight);
    // Forgetting is always safe: the database refuses what this instance no longer remembers.
    for (const oldest of this.#flights.keys()) {
      if (this.#flights.size <= REMEMBERED_STATES) break;
      this.#flights.delete(oldest);
    }
  }

  #forget(stateHash: string, flight: Flight): void {
    if (this.#flights.get(stateHash) === flight) this.#flights.delete(stateHash);
  }

  /** Drops consumed states whose session has expired, oldest first, up to the first one still live or in flight. */
  #forgetExpired(now: number): void {
    for (const [stateHash, flight] of this.#flights) {
      if (flight.expiresAt === undefined || flight.expiresAt > now) break;
      this.#flights.delete(stateHash);
    }
  }

  async stats(now: number): Promise<OAuthSessionStats> {
    await this.#refusals.flush();
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
