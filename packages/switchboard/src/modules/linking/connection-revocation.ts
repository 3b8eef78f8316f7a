/**
 * Revokes a linked account's grant at its provider when the member unlinks. Revoking the refresh token
 * ends the whole grant at Twitch, Google and Discord, so it is revoked when there is one, else the access
 * token. Kick's revocation covers only the token it is given, so both are revoked there.
 */
import type { OAuthPlatform } from '../../storage/schema.ts';
import type { OAuthProviderClient } from './providers/oauth-provider-client.ts';

export type RevocableTokens = { platform: OAuthPlatform; accessToken: string; refreshToken: string | null };

export async function revokeAtProvider(client: Pick<OAuthProviderClient, 'revoke'>, tokens: RevocableTokens): Promise<void> {
  const { platform, accessToken, refreshToken } = tokens;
  if (platform === 'kick') {
    if (refreshToken !== null) await client.revoke(platform, refreshToken, 'refresh_token');
    await client.revoke(platform, accessToken, 'access_token');
    return;
  }
  if (refreshToken !== null) await client.revoke(platform, refreshToken, 'refresh_token');
  else await client.revoke(platform, accessToken, 'access_token');
}
