/** Who an `Authorization: Bearer <token>` header speaks for: a user's OAuth2 access token, live and not revoked. */
import type { SimContext } from '../sim-context.ts';
import type { TokenOwner } from '../state/oauth-grants.ts';

export function userBearerOwner(sim: Pick<SimContext, 'oauth'>, header: string | undefined): TokenOwner | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ? sim.oauth.grants.ownerOf(match[1]) : undefined;
}
