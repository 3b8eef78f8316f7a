/**
 * The OAuth client of account linking: authorization URLs, code exchange, refresh and revocation
 * for Twitch, YouTube (Google), Kick and Discord, on openid-client. Provider quirks are handled at
 * the HTTP edge (a custom fetch): Twitch's array `scope` and its non-standard refresh error, and
 * Kick's query-string revocation.
 */
import * as oidc from 'openid-client';
import type { OAuthPlatform } from '../../../storage/schema.ts';
import { PROVIDERS, withBaseUrl } from './provider-table.ts';
import type { ProviderSpec } from './provider-table.ts';

export interface ProviderCredentials {
  clientId: string;
  clientSecret: string;
  /** Point every endpoint at this base URL instead of production (see `withBaseUrl`). */
  baseUrl?: string;
  /** Scopes to request instead of the provider's defaults. */
  scopes?: readonly string[];
}

export interface OAuthProviderClientOptions {
  providers: Partial<Record<OAuthPlatform, ProviderCredentials>>;
  /** The fetch used for every request; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; `Date.now` by default. Used for `expiresAt`. */
  now?: () => number;
  /** Per-request timeout in seconds (openid-client's default is 30). */
  timeoutSeconds?: number;
}

export interface AuthorizationUrlInput {
  state: string;
  /** S256 challenge; required for providers that use PKCE, refused for those that do not. */
  codeChallenge?: string;
  redirectUri: string;
}

export interface ExchangeCodeInput {
  code: string;
  /** Required for providers that use PKCE, refused for those that do not. */
  codeVerifier?: string;
  redirectUri: string;
  state: string;
}

export interface ProviderTokens {
  accessToken: string;
  /** `null` when none was issued (Google after the first consent, without `prompt=consent`). */
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string[];
}

/** The provider says the refresh token is dead: the account must be linked again. */
export interface InvalidGrant {
  error: 'invalid_grant';
}

export type TokenTypeHint = 'access_token' | 'refresh_token';

/**
 * A request that failed other than by `invalid_grant`. `transient` (network failure, timeout, 5xx,
 * 429): retry later. Otherwise (another 4xx, a malformed answer): retrying will not help.
 */
export class OAuthProviderError extends Error {
  readonly platform: OAuthPlatform;
  readonly transient: boolean;
  readonly status: number | null;
  readonly oauthError: string | null;

  constructor(platform: OAuthPlatform, message: string, details: { transient: boolean; status: number | null; oauthError: string | null; cause: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'OAuthProviderError';
    this.platform = platform;
    this.transient = details.transient;
    this.status = details.status;
    this.oauthError = details.oauthError;
  }
}

/** `scope` as the providers send it: a space-separated string, or a JSON array (Twitch). */
export function normaliseScopes(scope: unknown): string[] | null {
  if (typeof scope === 'string') return scope.split(/\s+/).filter((s) => s !== '');
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string' && s !== '');
  return null;
}

export function isInvalidGrant(value: ProviderTokens | InvalidGrant): value is InvalidGrant {
  return 'error' in value && value.error === 'invalid_grant';
}

interface ProviderEntry {
  spec: ProviderSpec;
  scopes: readonly string[];
  config: oidc.Configuration;
}

function bodyParams(body: unknown): URLSearchParams {
  if (body instanceof URLSearchParams) return new URLSearchParams(body);
  if (typeof body === 'string') return new URLSearchParams(body);
  return new URLSearchParams();
}

function sameEndpoint(a: string, b: string): boolean {
  const ua = new URL(a);
  const ub = new URL(b);
  return ua.origin === ub.origin && ua.pathname === ub.pathname;
}

/** Re-serialises a JSON token-endpoint answer into the RFC 6749 shape openid-client checks. */
async function normaliseTokenResponse(response: Response): Promise<Response> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const body = json as Record<string, unknown>;
    if (Array.isArray(body['scope'])) body['scope'] = (normaliseScopes(body['scope']) ?? []).join(' ');
    // Twitch answers a dead refresh token with `{"status":400,"message":"Invalid refresh token"}`.
    if (response.status === 400 && body['error'] === undefined && typeof body['message'] === 'string' && /invalid refresh token/i.test(body['message'])) {
      body['error'] = 'invalid_grant';
      body['error_description'] = body['message'];
    }
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(json), { status: response.status, statusText: response.statusText, headers });
}

function statusOf(error: unknown): number | null {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof Response) return e.status;
    if (e instanceof oidc.ResponseBodyError) return e.status;
    if (typeof e !== 'object' || !('cause' in e)) break;
    e = e.cause;
  }
  return null;
}

function isNetworkFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof Error) {
      if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
      if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
      if ('code' in e && typeof e.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|UND_ERR_.*)$/.test(e.code)) return true;
    }
    if (typeof e !== 'object' || !('cause' in e)) break;
    e = e.cause;
  }
  return false;
}

export class OAuthProviderClient {
  readonly #entries = new Map<OAuthPlatform, ProviderEntry>();
  readonly #now: () => number;

  constructor(options: OAuthProviderClientOptions) {
    this.#now = options.now ?? Date.now;
    const baseFetch = options.fetch ?? globalThis.fetch;
    for (const [platform, credentials] of Object.entries(options.providers) as [OAuthPlatform, ProviderCredentials | undefined][]) {
      if (credentials === undefined) continue;
      const spec = credentials.baseUrl === undefined ? PROVIDERS[platform] : withBaseUrl(PROVIDERS[platform], credentials.baseUrl);
      const { endpoints } = spec;
      const config = new oidc.Configuration(
        {
          issuer: endpoints.issuer,
          authorization_endpoint: endpoints.authorization,
          token_endpoint: endpoints.token,
          revocation_endpoint: endpoints.revocation,
          userinfo_endpoint: endpoints.userInfo,
        },
        credentials.clientId,
        { client_secret: credentials.clientSecret },
        oidc.ClientSecretPost(credentials.clientSecret),
      );
      config[oidc.customFetch] = (url, init) => this.#fetch(spec, baseFetch, url, init);
      if (options.timeoutSeconds !== undefined) config.timeout = options.timeoutSeconds;
      if (Object.values(endpoints).some((u) => new URL(u).protocol === 'http:')) oidc.allowInsecureRequests(config);
      this.#entries.set(platform, { spec, scopes: credentials.scopes ?? spec.defaultScopes, config });
    }
  }

  /** The table entry in use for `platform` (with any base-URL override). */
  spec(platform: OAuthPlatform): ProviderSpec {
    return this.#entry(platform).spec;
  }

  /** Where to send the browser. PKCE parameters only for providers that use it. */
  authorizationUrl(platform: OAuthPlatform, input: AuthorizationUrlInput): URL {
    const { spec, scopes, config } = this.#entry(platform);
    const params: Record<string, string> = {
      response_type: 'code',
      redirect_uri: input.redirectUri,
      scope: scopes.join(' '),
      state: input.state,
      ...spec.extraAuthorizationParams,
    };
    if (spec.pkce) {
      if (input.codeChallenge === undefined) throw new TypeError(`${platform} requires a PKCE code challenge`);
      params['code_challenge'] = input.codeChallenge;
      params['code_challenge_method'] = 'S256';
    } else if (input.codeChallenge !== undefined) {
      throw new TypeError(`${platform} does not support PKCE; no code challenge may be sent`);
    }
    return oidc.buildAuthorizationUrl(config, params);
  }

  /** Trades an authorization code for tokens. Failures throw `OAuthProviderError`. */
  async exchangeCode(platform: OAuthPlatform, input: ExchangeCodeInput): Promise<ProviderTokens> {
    const { spec, scopes, config } = this.#entry(platform);
    if (spec.pkce && input.codeVerifier === undefined) throw new TypeError(`${platform} requires a PKCE code verifier`);
    if (!spec.pkce && input.codeVerifier !== undefined) throw new TypeError(`${platform} does not support PKCE; no code verifier may be sent`);
    const callback = new URL(input.redirectUri);
    callback.searchParams.set('code', input.code);
    callback.searchParams.set('state', input.state);
    const checks: oidc.AuthorizationCodeGrantChecks = { expectedState: input.state };
    if (input.codeVerifier !== undefined) checks.pkceCodeVerifier = input.codeVerifier;
    try {
      const response = await oidc.authorizationCodeGrant(config, callback, checks, { redirect_uri: input.redirectUri });
      return this.#tokens(response, null, scopes);
    } catch (error) {
      throw this.#wrap(platform, 'code exchange', error);
    }
  }

  /**
   * Refreshes an access token. `{ error: 'invalid_grant' }` when the grant is dead (link again);
   * `OAuthProviderError` otherwise (check `transient`). The answer's `refreshToken` is the one to
   * keep: the rotated token where the provider rotates (Kick), else the one given.
   */
  async refresh(platform: OAuthPlatform, refreshToken: string): Promise<ProviderTokens | InvalidGrant> {
    const { scopes, config } = this.#entry(platform);
    try {
      const response = await oidc.refreshTokenGrant(config, refreshToken);
      return this.#tokens(response, refreshToken, scopes);
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') return { error: 'invalid_grant' };
      throw this.#wrap(platform, 'refresh', error);
    }
  }

  /** Revokes a token (Kick: `POST …/revoke?token=…&token_hint_type=…`). */
  async revoke(platform: OAuthPlatform, token: string, tokenTypeHint: TokenTypeHint = 'access_token'): Promise<void> {
    const { config } = this.#entry(platform);
    try {
      await oidc.tokenRevocation(config, token, { token_type_hint: tokenTypeHint });
    } catch (error) {
      throw this.#wrap(platform, 'revocation', error);
    }
  }

  #entry(platform: OAuthPlatform): ProviderEntry {
    const entry = this.#entries.get(platform);
    if (entry === undefined) throw new Error(`OAuth provider ${platform} is not configured`);
    return entry;
  }

  #tokens(response: oidc.TokenEndpointResponse, previousRefreshToken: string | null, requested: readonly string[]): ProviderTokens {
    const expiresIn = response.expires_in;
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? previousRefreshToken,
      expiresAt: typeof expiresIn === 'number' && Number.isFinite(expiresIn) ? new Date(this.#now() + expiresIn * 1000) : null,
      // RFC 6749 §5.1: an absent `scope` means the requested scope was granted.
      scopes: normaliseScopes(response.scope) ?? [...requested],
    };
  }

  #wrap(platform: OAuthPlatform, what: string, error: unknown): OAuthProviderError {
    const status = statusOf(error);
    const oauthError = error instanceof oidc.ResponseBodyError ? error.error : null;
    const transient = isNetworkFailure(error) || (status !== null && (status >= 500 || status === 429));
    const reason = error instanceof Error ? error.message : String(error);
    return new OAuthProviderError(platform, `${platform} ${what} failed${status === null ? '' : ` (HTTP ${status})`}: ${reason}`, { transient, status, oauthError, cause: error });
  }

  async #fetch(spec: ProviderSpec, baseFetch: typeof fetch, url: string, init: oidc.CustomFetchOptions): Promise<Response> {
    const { endpoints } = spec;
    if (spec.revocationStyle === 'query' && sameEndpoint(url, endpoints.revocation)) {
      const body = bodyParams(init.body);
      const target = new URL(url);
      target.searchParams.set('token', body.get('token') ?? '');
      target.searchParams.set('token_hint_type', body.get('token_type_hint') ?? 'access_token');
      body.delete('token');
      body.delete('token_type_hint');
      return baseFetch(target.href, { ...init, body: body.size === 0 ? null : body } as RequestInit);
    }
    const response = await baseFetch(url, init as RequestInit);
    if (sameEndpoint(url, endpoints.token) && (response.headers.get('content-type') ?? '').includes('json')) {
      return normaliseTokenResponse(response);
    }
    return response;
  }
}

export function createOAuthProviderClient(options: OAuthProviderClientOptions): OAuthProviderClient {
  return new OAuthProviderClient(options);
}
