/**
 * Who a linked account is, read after the code exchange from the provider's user endpoint with the new
 * access token: Twitch (Helix users, which also wants the app's `Client-Id`), YouTube (the member's own
 * channel), Kick (public users API) and Discord (`/users/@me`). The answer is checked against the shape
 * each provider documents; an error status, a malformed or empty answer, or no answer within 10 seconds
 * is a `ProviderIdentityError`. The access token is sent, never logged or put in an error message.
 */
import { z } from 'zod';
import type { OAuthPlatform } from '../../../storage/schema.ts';
import type { ProviderSpec } from './provider-table.ts';

export const PROVIDER_IDENTITY_TIMEOUT_MS = 10_000;

export type ProviderIdentity = { id: string; username: string };

export class ProviderIdentityError extends Error {
  readonly platform: OAuthPlatform;

  constructor(platform: OAuthPlatform, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderIdentityError';
    this.platform = platform;
  }
}

const name = z.string().trim().min(1).max(200);
const id = z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String);

const twitch = z.object({ data: z.array(z.object({ id, login: name, display_name: z.string().max(200).optional() })).min(1, 'no user in the answer') });
const youtube = z.object({ items: z.array(z.object({ id, snippet: z.object({ title: name }) })).min(1, 'the account has no YouTube channel') });
const kick = z.object({ data: z.array(z.object({ user_id: id, name })).min(1, 'no user in the answer') });
const discord = z.object({ id, username: name, global_name: z.string().max(200).nullable().optional() });

/** The account in a provider's answer; the display name where the provider has one. */
function identityOf(platform: OAuthPlatform, body: unknown): ProviderIdentity {
  switch (platform) {
    case 'twitch': {
      const user = twitch.parse(body).data[0]!;
      return { id: user.id, username: user.display_name?.trim() || user.login };
    }
    case 'youtube': {
      const channel = youtube.parse(body).items[0]!;
      return { id: channel.id, username: channel.snippet.title };
    }
    case 'kick': {
      const user = kick.parse(body).data[0]!;
      return { id: user.user_id, username: user.name };
    }
    case 'discord': {
      const user = discord.parse(body);
      return { id: user.id, username: user.global_name?.trim() || user.username };
    }
  }
}

export type ProviderIdentityOptions = {
  /** The app's client id (Twitch's Helix API requires it next to the token). */
  clientId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
};

export async function fetchProviderIdentity(spec: ProviderSpec, accessToken: string, options: ProviderIdentityOptions): Promise<ProviderIdentity> {
  const { platform } = spec;
  const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
  if (platform === 'twitch') headers['client-id'] = options.clientId;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(spec.endpoints.userInfo, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? PROVIDER_IDENTITY_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ProviderIdentityError(platform, `${platform} user lookup ${timedOut ? 'timed out' : 'failed'}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProviderIdentityError(platform, `${platform} user lookup failed (HTTP ${response.status})`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new ProviderIdentityError(platform, `${platform} user lookup answered something other than JSON`, { cause: error });
  }
  try {
    return identityOf(platform, body);
  } catch (error) {
    const detail = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ') : String(error);
    throw new ProviderIdentityError(platform, `${platform} user lookup answered an unexpected shape (${detail})`, { cause: error });
  }
}
