/**
 * Dashboard sessions: opening one (a random cookie value, of which only the SHA-256 is stored), finding the
 * live session behind a cookie, and closing it. The CSRF token is HMAC-SHA256 of the cookie value under a key
 * derived from the active encryption key, base64url: a page that can read it belongs to this browser's
 * session, nothing extra is stored, and a new session has a new token.
 */
import { createHash, createHmac, hkdfSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { DashboardSessionRecord, DashboardSessionRepository } from '../../storage/dashboard-session-repository.ts';
import type { DashboardRole, DashboardSessionKind } from '../../storage/schema.ts';

/** How long a session lasts from sign-in (the contract's 8 hours); the cookie's Max-Age is the same. */
export const DASHBOARD_SESSION_TTL_MS = 8 * 60 * 60_000;
/** last_seen_at is written at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export type DashboardSession = DashboardSessionRecord;

export type OpenDashboardSession = {
  kind: DashboardSessionKind;
  userId: string | null;
  userName: string;
  avatarUrl: string | null;
  role: DashboardRole;
  guildIds: readonly string[];
  apiTokenId: string | null;
};

export type OpenedDashboardSession = { cookieValue: string; session: DashboardSession; csrfToken: string; maxAgeSeconds: number };

function hashCookie(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export class DashboardSessions {
  readonly #repository: DashboardSessionRepository;
  readonly #csrfKey: Buffer;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #touched = new Map<string, number>();

  constructor(options: { repository: DashboardSessionRepository; encryptionKey: Buffer; now?: () => number; ttlMs?: number }) {
    this.#repository = options.repository;
    // A key of its own for CSRF tokens, so that the encryption key itself never signs anything a browser sees.
    this.#csrfKey = Buffer.from(hkdfSync('sha256', options.encryptionKey, Buffer.alloc(0), 'switchboard dashboard csrf v1', 32));
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? DASHBOARD_SESSION_TTL_MS;
  }

  async open(input: OpenDashboardSession): Promise<OpenedDashboardSession> {
    const now = this.#now();
    const cookieValue = randomBytes(32).toString('base64url');
    const session: DashboardSession = { id: randomUUID(), ...input, guildIds: [...input.guildIds], createdAt: now, expiresAt: now + this.#ttlMs, lastSeenAt: now };
    await this.#repository.insert({ ...session, tokenHash: hashCookie(cookieValue) });
    return { cookieValue, session, csrfToken: this.csrfToken(cookieValue), maxAgeSeconds: Math.floor(this.#ttlMs / 1000) };
  }

  /** The live session behind a cookie value, or undefined (unknown, expired, or its token revoked). */
  async find(cookieValue: string): Promise<DashboardSession | undefined> {
    if (cookieValue === '' || cookieValue.length > 256) return undefined;
    const now = this.#now();
    const session = await this.#repository.findLiveByHash(hashCookie(cookieValue), now);
    if (!session) return undefined;
    if ((this.#touched.get(session.id) ?? session.lastSeenAt) + TOUCH_INTERVAL_MS < now) {
      this.#touched.set(session.id, now);
      await this.#repository.touch(session.id, now);
    }
    return session;
  }

  csrfToken(cookieValue: string): string {
    return createHmac('sha256', this.#csrfKey).update(cookieValue, 'utf8').digest('base64url');
  }

  /** Whether `presented` is the CSRF token of this cookie (compared in constant time). */
  csrfValid(cookieValue: string, presented: string | undefined): boolean {
    if (typeof presented !== 'string' || presented === '') return false;
    const expected = Buffer.from(this.csrfToken(cookieValue), 'utf8');
    const given = Buffer.from(presented, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Ends the session behind a cookie; true when there was one. */
  async close(cookieValue: string): Promise<boolean> {
    return this.#repository.deleteByHash(hashCookie(cookieValue));
  }

  /** Deletes the sessions expired by now; returns how many. */
  async deleteExpired(): Promise<number> {
    const now = this.#now();
    for (const [id, at] of this.#touched) if (at + this.#ttlMs < now) this.#touched.delete(id);
    return this.#repository.deleteExpired(now);
  }
}
