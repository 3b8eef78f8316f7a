/**
 * The OAuth endpoints and quirks of each account-linking provider. Pure data plus one helper that
 * points a provider at another base URL (a test server, a self-hosted proxy).
 */
import type { OAuthPlatform } from '../../../storage/schema.ts';

export interface ProviderEndpoints {
  /** Where the issuer identifier of the authorization server is taken to be. */
  issuer: string;
  authorization: string;
  token: string;
  revocation: string;
  userInfo: string;
  /** Where a user access token is checked (Twitch asks apps to do it hourly); absent elsewhere. */
  validation?: string;
}

export interface ProviderSpec {
  platform: OAuthPlatform;
  endpoints: ProviderEndpoints;
  /** Scopes requested when the caller asks for none. */
  defaultScopes: readonly string[];
  /** Whether an S256 code challenge is sent (Twitch does not support PKCE). */
  pkce: boolean;
  /** Added to every authorization URL. */
  extraAuthorizationParams: Readonly<Record<string, string>>;
  /**
   * How the token endpoint reports `scope`: a space-separated string (RFC 6749) or a JSON array
   * (Twitch). Informative; the client accepts both from every provider.
   */
  scopeFormat: 'space-separated' | 'array';
  /** Whether every refresh answers with a new refresh token that replaces the old one (Kick). */
  rotatesRefreshTokens: boolean;
  /** `rfc7009`: form body `token`, `token_type_hint`; `query`: `?token=…&token_hint_type=…` (Kick). */
  revocationStyle: 'rfc7009' | 'query';
}

export const PROVIDERS: Readonly<Record<OAuthPlatform, ProviderSpec>> = {
  twitch: {
    platform: 'twitch',
    endpoints: {
      issuer: 'https://id.twitch.tv/oauth2',
      authorization: 'https://id.twitch.tv/oauth2/authorize',
      token: 'https://id.twitch.tv/oauth2/token',
      revocation: 'https://id.twitch.tv/oauth2/revoke',
      userInfo: 'https://api.twitch.tv/helix/users',
      validation: 'https://id.twitch.tv/oauth2/validate',
    },
    defaultScopes: ['user:read:email'],
    pkce: false,
    extraAuthorizationParams: {},
    scopeFormat: 'array',
    rotatesRefreshTokens: false,
    revocationStyle: 'rfc7009',
  },
  youtube: {
    platform: 'youtube',
    endpoints: {
      issuer: 'https://accounts.google.com',
      authorization: 'https://accounts.google.com/o/oauth2/v2/auth',
      token: 'https://oauth2.googleapis.com/token',
      revocation: 'https://oauth2.googleapis.com/revoke',
      userInfo: 'https://www.googleapis.com/youtube/v3/channels?part=snippet&mine=true',
    },
    defaultScopes: ['https://www.googleapis.com/auth/youtube.readonly'],
    pkce: true,
    // Google returns a refresh token only on first consent; `prompt=consent` forces it every time.
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
    scopeFormat: 'space-separated',
    rotatesRefreshTokens: false,
    revocationStyle: 'rfc7009',
  },
  kick: {
    platform: 'kick',
    endpoints: {
      issuer: 'https://id.kick.com',
      authorization: 'https://id.kick.com/oauth/authorize',
      token: 'https://id.kick.com/oauth/token',
      revocation: 'https://id.kick.com/oauth/revoke',
      userInfo: 'https://api.kick.com/public/v1/users',
    },
    defaultScopes: ['user:read', 'channel:read'],
    pkce: true,
    extraAuthorizationParams: {},
    scopeFormat: 'space-separated',
    rotatesRefreshTokens: true,
    revocationStyle: 'query',
  },
  discord: {
    platform: 'discord',
    endpoints: {
      issuer: 'https://discord.com',
      authorization: 'https://discord.com/oauth2/authorize',
      token: 'https://discord.com/api/oauth2/token',
      revocation: 'https://discord.com/api/oauth2/token/revoke',
      userInfo: 'https://discord.com/api/users/@me',
    },
    defaultScopes: ['identify'],
    pkce: true,
    extraAuthorizationParams: {},
    scopeFormat: 'space-separated',
    rotatesRefreshTokens: false,
    revocationStyle: 'rfc7009',
  },
};

/** The endpoint paths under an overriding base URL. */
export interface BaseUrlPaths {
  authorization: string;
  token: string;
  revocation: string;
  userInfo: string;
  /** Only for providers that have a validation endpoint. */
  validation: string;
}

/** The layout a proxy or test server exposes under its base URL (that of oauth2-mock-server too). */
export const DEFAULT_BASE_URL_PATHS: Readonly<BaseUrlPaths> = {
  authorization: '/authorize',
  token: '/token',
  revocation: '/revoke',
  userInfo: '/userinfo',
  validation: '/validate',
};

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * A copy of `spec` with every endpoint under `baseUrl` (`<base>/authorize`, `/token`, `/revoke`,
 * `/userinfo`, and `/validate` where the provider has one, unless `paths` says otherwise); the issuer
 * becomes the base URL. The quirks (PKCE, scope format, rotation, revocation style, extra parameters)
 * are kept.
 */
export function withBaseUrl(spec: ProviderSpec, baseUrl: string, paths: Partial<BaseUrlPaths> = {}): ProviderSpec {
  const base = new URL(baseUrl).href.replace(/\/+$/, '');
  const p = { ...DEFAULT_BASE_URL_PATHS, ...paths };
  return {
    ...spec,
    endpoints: {
      issuer: base,
      authorization: joinUrl(base, p.authorization),
      token: joinUrl(base, p.token),
      revocation: joinUrl(base, p.revocation),
      userInfo: joinUrl(base, p.userInfo),
      ...(spec.endpoints.validation === undefined ? {} : { validation: joinUrl(base, p.validation) }),
    },
  };
}

/** `PROVIDERS[platform]`, or its copy under `baseUrl` when one is given. */
export function providerSpec(platform: OAuthPlatform, baseUrl?: string): ProviderSpec {
  const spec = PROVIDERS[platform];
  return baseUrl === undefined ? spec : withBaseUrl(spec, baseUrl);
}
