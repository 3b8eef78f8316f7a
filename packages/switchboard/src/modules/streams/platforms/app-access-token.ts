/**
 * An OAuth client-credentials app access token (Twitch, Kick): fetched on first use, reused until
 * shortly before it expires, fetched by one request at a time however many calls want it, and
 * dropped and fetched again when the API answers 401 (revoked, or expired early).
 */
import { z } from 'zod';
import { StreamPlatformError, type StreamPlatformName } from '../stream-platform.ts';
import { createPlatformHttp, endpoint, type PlatformHttp, type PlatformRequest, type PlatformResponse } from './platform-http.ts';

export type AppAccessTokenOptions = {
  http: PlatformHttp;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** Milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
};

export type AppAccessToken = {
  /** A token believed valid, fetching one when none is cached or the cached one is about to expire. */
  get(): Promise<string>;
  /** Forgets `token` (the API refused it), unless a newer one has replaced it already. */
  invalidate(token: string): void;
  /**
   * Sends a request made with a token; on a 401 the token is dropped and the request is made once
   * more with a fresh one. The second answer is returned whatever it is.
   */
  authorized(request: (token: string) => Promise<PlatformResponse>): Promise<PlatformResponse>;
};

/** Renew this long before expiry (or at half-life for shorter tokens), so a request never carries a dying token. */
const RENEW_MARGIN_MS = 60_000;

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

export function createAppAccessToken(options: AppAccessTokenOptions): AppAccessToken {
  if (options.clientId === '' || options.clientSecret === '') {
    throw new StreamPlatformError(options.http.platform, `${options.http.platform}: a client id and a client secret are required`, { transient: false, status: null });
  }
  const now = options.now ?? Date.now;
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const response = await options.http.send({
      method: 'POST',
      url: options.tokenUrl,
      form: { grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret },
    });
    const answer = options.http.readJson(response, tokenAnswer, 'the app access token request');
    const lifetimeMs = answer.expires_in * 1000;
    cached = { token: answer.access_token, renewAt: now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2) };
    return answer.access_token;
  }

  function get(): Promise<string> {
    if (cached !== undefined && now() < cached.renewAt) return Promise.resolve(cached.token);
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function invalidate(token: string): void {
    if (cached?.token === token) cached = undefined;
  }

  async function authorized(request: (token: string) => Promise<PlatformResponse>): Promise<PlatformResponse> {
    const token = await get();
    const response = await request(token);
    if (response.status !== 401) return response;
    invalidate(token);
    return request(await get());
  }

  return { get, invalidate, authorized };
}

/** What a client of a platform's app-authenticated API is given (Twitch's Helix, Kick's public API). */
export type AppApiOptions = {
  clientId: string;
  clientSecret: string;
  /** The OAuth token endpoint of the platform. */
  tokenUrl: string;
  /** The API's base URL. */
  apiUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
};

export type AppApi = {
  http: PlatformHttp;
  /** A request to `apiUrl + path` with the app's token (and `headers`), retried once with a fresh token after a 401. */
  call(method: PlatformRequest['method'], path: string, params: [string, string][], json?: unknown): Promise<PlatformResponse>;
};

export function createAppApi(platform: StreamPlatformName, options: AppApiOptions, headers: Readonly<Record<string, string>> = {}): AppApi {
  const http = createPlatformHttp({ platform, fetch: options.fetch });
  const token = createAppAccessToken({ http, clientId: options.clientId, clientSecret: options.clientSecret, tokenUrl: options.tokenUrl, now: options.now });
  return {
    http,
    call: (method, path, params, json) =>
      token.authorized((accessToken) => http.send({ method, url: endpoint(options.apiUrl, path, params), json, headers: { ...headers, Authorization: `Bearer ${accessToken}` } })),
  };
}
