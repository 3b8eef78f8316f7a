/**
 * The one-time links `/link` hands a member: `issue` returns a random token (only its SHA-256 is stored),
 * valid 5 minutes; `redeem` accepts it exactly once, atomically, and otherwise says why not (used,
 * expired, unknown) so that the page can tell the member what to do.
 */
import { randomUUID } from 'node:crypto';
import type { LinkInvitationRepository } from '../../storage/link-invitation-repository.ts';
import type { OAuthPlatform } from '../../storage/schema.ts';
import { hashToken, isOAuthPlatform, randomToken } from './oauth-state.ts';

export const LINK_INVITATION_TTL_MS = 5 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export type IssuedLinkInvitation = { token: string; expiresAt: number };

export type RedeemedLinkInvitation =
  | { ok: true; discordUserId: string; platform: OAuthPlatform }
  | { ok: false; code: 'used' | 'expired' | 'unknown' };

export class LinkInvitations {
  readonly #repository: LinkInvitationRepository;
  readonly #ttlMs: number;

  constructor(repository: LinkInvitationRepository, options: { ttlMs?: number } = {}) {
    this.#repository = repository;
    this.#ttlMs = options.ttlMs ?? LINK_INVITATION_TTL_MS;
  }

  async issue(discordUserId: string, platform: OAuthPlatform, now: number = Date.now()): Promise<IssuedLinkInvitation> {
    if (!isOAuthPlatform(platform)) throw new RangeError(`unknown OAuth platform ${String(platform)}`);
    if (!/^\d{1,20}$/.test(discordUserId)) throw new RangeError('discordUserId must be a Discord id');
    const token = randomToken();
    const expiresAt = now + this.#ttlMs;
    await this.#repository.insert({ id: randomUUID(), tokenHash: hashToken(token), discordUserId, platform, createdAt: now, expiresAt });
    return { token, expiresAt };
  }

  async redeem(token: string, now: number = Date.now()): Promise<RedeemedLinkInvitation> {
    if (typeof token !== 'string' || token === '') return { ok: false, code: 'unknown' };
    const tokenHash = hashToken(token);
    const redeemed = await this.#repository.redeem(tokenHash, now);
    if (redeemed) return { ok: true, discordUserId: redeemed.discordUserId, platform: redeemed.platform };
    const found = await this.#repository.findByTokenHash(tokenHash);
    if (!found) return { ok: false, code: 'unknown' };
    return { ok: false, code: found.usedAt !== null ? 'used' : 'expired' };
  }

  /** Deletes links created more than `olderThanMs` ago (a day by default); returns how many. */
  async cleanup(now: number, olderThanMs = DAY_MS): Promise<number> {
    return this.#repository.deleteCreatedBefore(now - olderThanMs);
  }
}
