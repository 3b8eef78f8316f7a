/**
 * API token material. A token is 32 random bytes behind a recognisable prefix (so that secret scanners
 * and people can tell what it is); only its SHA-256 is stored.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiTokenRole } from '../storage/schema.ts';

export const API_TOKEN_PREFIX = 'sbt_';
export const API_TOKEN_ROLES = ['admin', 'viewer'] as const satisfies readonly ApiTokenRole[];

/** What each role may do; a route names the least role it needs. */
const ROLE_RANK: Record<ApiTokenRole, number> = { viewer: 1, admin: 2 };

export function roleSatisfies(held: ApiTokenRole, needed: ApiTokenRole): boolean {
  return ROLE_RANK[held] >= ROLE_RANK[needed];
}

export function generateApiToken(): { id: string; token: string; hash: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { id: randomUUID(), token, hash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Token names: what people type on the command line and see in lists. */
export const TOKEN_NAME_PATTERN = /^[\w.-]{1,64}$/;
