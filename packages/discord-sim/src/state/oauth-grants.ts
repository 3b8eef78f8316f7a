/**
 * The OAuth2 grants the simulated application has handed out: authorization codes (ten minutes, used once,
 * bound to the redirect URI and an optional PKCE challenge), and the access and refresh tokens a code or a
 * refresh turns into. Pure bookkeeping; the HTTP side lives in `oauth/oauth-server.ts`.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Discord's access tokens last a week. */
export const ACCESS_TOKEN_TTL_SECONDS = 604_800;
const CODE_TTL_MS = 10 * 60_000;

interface CodeRecord {
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  expiresAt: number;
  used: boolean;
}

interface GrantRecord {
  userId: string;
  scopes: string[];
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
}

export interface IssuedTokens {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** An RFC 6749 §5.2 error: the `error` code and a description for people. */
export type GrantFailure = { error: 'invalid_grant' | 'invalid_request'; description: string };

export type TokenOwner = { userId: string; scopes: string[] };

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export class OAuthGrants {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly byAccess = new Map<string, GrantRecord>();
  private readonly byRefresh = new Map<string, GrantRecord>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  issueCode(input: { userId: string; redirectUri: string; scopes: string[]; codeChallenge: string | null }): string {
    const code = randomToken();
    this.codes.set(code, { ...input, expiresAt: this.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** Redeems a code once: the redirect URI must be the one it was issued for, the verifier must match its challenge. */
  redeemCode(code: string, redirectUri: string, codeVerifier: string | undefined): IssuedTokens | GrantFailure {
    const record = this.codes.get(code);
    if (!record) return { error: 'invalid_grant', description: 'Invalid "code" in request.' };
    if (record.used) return { error: 'invalid_grant', description: 'The authorization code was already used.' };
    // Spent whatever happens next: a code that failed a check cannot be retried with better guesses.
    record.used = true;
    if (record.expiresAt <= this.now()) return { error: 'invalid_grant', description: 'The authorization code has expired.' };
    if (record.redirectUri !== redirectUri) return { error: 'invalid_grant', description: 'Invalid "redirect_uri" in request.' };
    if (record.codeChallenge !== null) {
      if (!codeVerifier) return { error: 'invalid_request', description: 'The code_verifier is missing.' };
      if (pkceS256(codeVerifier) !== record.codeChallenge) return { error: 'invalid_grant', description: 'The code_verifier does not match the code_challenge.' };
    }
    return this.grant(record.userId, record.scopes);
  }

  /** A new access token and a new refresh token; the old refresh token stops working (rotation). */
  refresh(refreshToken: string): IssuedTokens | GrantFailure {
    const record = this.byRefresh.get(refreshToken);
    if (!record) return { error: 'invalid_grant', description: 'Invalid "refresh_token" in request.' };
    this.drop(record);
    return this.grant(record.userId, record.scopes);
  }

  /** Revokes the grant either token belongs to (RFC 7009: an unknown token is not an error). */
  revoke(token: string): void {
    const record = this.byAccess.get(token) ?? this.byRefresh.get(token);
    if (record) this.drop(record);
  }

  /** Who a live access token belongs to and what it may do. */
  ownerOf(accessToken: string): TokenOwner | undefined {
    const record = this.byAccess.get(accessToken);
    if (!record || record.accessExpiresAt <= this.now()) return undefined;
    return { userId: record.userId, scopes: record.scopes };
  }

  private grant(userId: string, scopes: string[]): IssuedTokens {
    const record: GrantRecord = { userId, scopes, accessToken: randomToken(), refreshToken: randomToken(), accessExpiresAt: this.now() + ACCESS_TOKEN_TTL_SECONDS * 1000 };
    this.byAccess.set(record.accessToken, record);
    this.byRefresh.set(record.refreshToken, record);
    return { access_token: record.accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS, refresh_token: record.refreshToken, scope: scopes.join(' ') };
  }

  private drop(record: GrantRecord): void {
    this.byAccess.delete(record.accessToken);
    this.byRefresh.delete(record.refreshToken);
  }
}
