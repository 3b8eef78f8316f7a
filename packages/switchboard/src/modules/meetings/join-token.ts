/**
 * The short-lived signed token a meeting link carries instead of a KS: a JWT (HS256, jose) naming the
 * meeting, the guild and the member, valid a few minutes. `GET /meetings/join/:token` checks it and only
 * then mints the member's KS, so a link pasted elsewhere or found later opens nothing. The key is derived
 * from the active encryption key, so it is never configured twice.
 *
 * jose is imported on the first token signed or checked, not when the hub starts: most hubs never make a
 * meeting link, and loading it costs about 1 MB of memory (docs/performance.md, memory).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type * as Jose from 'jose';

let jose: Promise<typeof Jose> | undefined;
const loadJose = () => (jose ??= import('jose'));

export const JOIN_TOKEN_TTL_SECONDS = 10 * 60;
const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard:meeting-join';

/** Who joins which meeting, and as what (decided from the guild's role mapping when the link was made). */
export type JoinClaims = { meetingId: string; guildId: string; userId: string; role: 'moderator' | 'participant' };

export type JoinTokenCheck = { ok: true; claims: JoinClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** The signing key of join tokens, derived from an encryption key. */
export function joinTokenKey(encryptionKey: Buffer): Uint8Array {
  return createHmac('sha256', encryptionKey).update('switchboard meeting join tokens').digest();
}

export async function signJoinToken(key: Uint8Array, claims: JoinClaims, now: number, ttlSeconds = JOIN_TOKEN_TTL_SECONDS): Promise<string> {
  const { SignJWT } = await loadJose();
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ mid: claims.meetingId, gid: claims.guildId, rol: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(key);
}

export async function verifyJoinToken(key: Uint8Array, token: string, now: number): Promise<JoinTokenCheck> {
  const { errors, jwtVerify } = await loadJose();
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(now),
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    const { mid, gid, sub, rol } = payload;
    if (typeof mid !== 'string' || typeof gid !== 'string' || typeof sub !== 'string' || (rol !== 'moderator' && rol !== 'participant')) return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { meetingId: mid, guildId: gid, userId: sub, role: rol } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}
