/** The random values of an OAuth flow and their hashes. Pure apart from the randomness. */
import { hash, randomBytes } from 'node:crypto';
import type { OAuthPlatform } from '../../storage/schema.ts';

export const OAUTH_PLATFORMS: readonly OAuthPlatform[] = ['twitch', 'youtube', 'kick', 'discord'];

/** 32 random bytes, base64url (43 characters): a state, a browser binding, a PKCE verifier. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256, hex: what is stored in place of a state or a browser binding. Every OAuth callback hashes its
 * state, so this uses the one-shot `hash`, about three times cheaper than a `createHash` object.
 */
export function hashToken(value: string): string {
  return hash('sha256', value, 'hex');
}

/** The PKCE `S256` code challenge of a verifier (RFC 7636 §4.2). */
export function pkceChallenge(codeVerifier: string): string {
  // A verifier is ASCII (RFC 7636 §4.1), so hashing its UTF-8 bytes hashes its ASCII bytes.
  return hash('sha256', codeVerifier, 'base64url');
}

export function isOAuthPlatform(value: unknown): value is OAuthPlatform {
  return typeof value === 'string' && (OAUTH_PLATFORMS as readonly string[]).includes(value);
}
