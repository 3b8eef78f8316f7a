/** The random values of an OAuth flow and their hashes. Pure apart from the randomness. */
import { createHash, randomBytes } from 'node:crypto';
import type { OAuthPlatform } from '../../storage/schema.ts';

export const OAUTH_PLATFORMS: readonly OAuthPlatform[] = ['twitch', 'youtube', 'kick', 'discord'];

/** 32 random bytes, base64url (43 characters): a state, a browser binding, a PKCE verifier. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256, hex: what is stored in place of a state or a browser binding. */
export function hashToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The PKCE `S256` code challenge of a verifier (RFC 7636 §4.2). */
export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export function isOAuthPlatform(value: unknown): value is OAuthPlatform {
  return typeof value === 'string' && (OAUTH_PLATFORMS as readonly string[]).includes(value);
}
