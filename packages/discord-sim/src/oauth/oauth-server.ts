/**
 * Discord's OAuth2 under `/oauth2`, for the authorization code grant: `GET /authorize` shows the sign-in page
 * (a simulated user stands in for the person), `POST /authorize` sends the browser back with a code (or
 * `error=access_denied`), `POST /token` exchanges codes and refresh tokens (client_secret_post or basic
 * authentication, PKCE S256 checked), `POST /revoke` ends a grant and `GET /userinfo` answers who a user
 * token belongs to. The client id is the application id.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../sim-context.ts';
import type { GrantFailure, IssuedTokens } from '../state/oauth-grants.ts';
import { readBody, sendJson } from '../util/http.ts';
import { userBearerOwner } from './user-tokens.ts';
import { oauthErrorPage, signInPage, type SignInChoice } from './sign-in-page.ts';

/** The scopes the simulator knows; anything else is refused on the authorize page, as Discord does. */
const KNOWN_SCOPES = new Set(['identify', 'email', 'guilds', 'guilds.members.read', 'connections', 'applications.commands', 'bot']);

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:",
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

type AuthorizeRequest = { redirectUri: string; scopes: string[]; state: string | null; codeChallenge: string | null; params: Record<string, string> };

type Checked = { ok: true; request: AuthorizeRequest } | { ok: false; message: string };

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '';
  } catch {
    return false;
  }
}

/** The authorize parameters, checked; a request that fails here is shown an error page, never redirected. */
function checkAuthorize(sim: SimContext, input: URLSearchParams): Checked {
  const clientId = input.get('client_id') ?? '';
  if (clientId === '') return { ok: false, message: 'client_id is missing.' };
  if (clientId !== sim.state.application.id) return { ok: false, message: `Unknown application: client_id ${clientId} is not this simulator's application.` };
  const redirectUri = input.get('redirect_uri') ?? '';
  if (redirectUri === '') return { ok: false, message: 'redirect_uri is missing.' };
  if (!isHttpUrl(redirectUri)) return { ok: false, message: 'redirect_uri must be an absolute http(s) URL without a fragment.' };
  const responseType = input.get('response_type') ?? '';
  if (responseType !== 'code') return { ok: false, message: `response_type must be "code" (got "${responseType}").` };
  const scopes = (input.get('scope') ?? '').split(/[\s+]+/).filter((s) => s !== '');
  if (scopes.length === 0) return { ok: false, message: 'scope is missing: ask for at least one scope, such as identify.' };
  const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s));
  if (unknown.length > 0) return { ok: false, message: `Invalid scope: ${unknown.join(', ')}.` };
  const codeChallenge = input.get('code_challenge');
  const method = input.get('code_challenge_method');
  if (codeChallenge !== null) {
    if (method !== 'S256') return { ok: false, message: 'code_challenge_method must be S256.' };
    if (!/^[\w-]{43,128}$/.test(codeChallenge)) return { ok: false, message: 'code_challenge must be 43 to 128 base64url characters.' };
  }
  const state = input.get('state');
  const params: Record<string, string> = { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: scopes.join(' ') };
  if (state !== null) params.state = state;
  if (codeChallenge !== null) {
    params.code_challenge = codeChallenge;
    params.code_challenge_method = 'S256';
  }
  return { ok: true, request: { redirectUri, scopes, state, codeChallenge, params } };
}

function backToApp(request: AuthorizeRequest, values: Record<string, string>): string {
  const url = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(values)) url.searchParams.set(name, value);
  if (request.state !== null) url.searchParams.set('state', request.state);
  return url.href;
}

/** The people who can sign in: every simulated user but bots, by name. */
function choices(sim: SimContext): SignInChoice[] {
  const { state } = sim;
  return [...state.users.values()]
    .filter((u) => !u.bot)
    .map((u) => ({
      id: u.id,
      name: u.global_name ?? u.username,
      username: u.username,
      guilds: [...state.guilds.values()].filter((g) => g.members.has(u.id)).map((g) => g.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** client_secret_basic (RFC 6749 §2.3.1: each part form-encoded) or client_secret_post. */
function clientCredentials(req: IncomingMessage, form: URLSearchParams): { id: string; secret: string } | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return part;
      }
    };
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id !== null && secret !== null ? { id, secret } : undefined;
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, { 'Cache-Control': 'no-store' });
}

function isFailure(result: IssuedTokens | GrantFailure): result is GrantFailure {
  return 'error' in result;
}

export class OAuthServer {
  private readonly sim: SimContext;

  constructor(sim: SimContext) {
    this.sim = sim;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /authorize':
        return this.showSignIn(res, query);
      case 'POST /authorize':
        return this.decide(res, await this.form(req));
      case 'POST /token':
        return this.token(req, res, await this.form(req));
      case 'POST /token/revoke':
      case 'POST /revoke':
        return this.revoke(req, res, await this.form(req));
      case 'GET /userinfo':
      case 'GET /@me':
        return this.userInfo(req, res);
      default:
        sendJson(res, 404, { message: '404: Not Found', code: 0 });
    }
  }

  private async form(req: IncomingMessage): Promise<URLSearchParams> {
    return new URLSearchParams((await readBody(req)).toString('utf8'));
  }

  private showSignIn(res: ServerResponse, query: URLSearchParams): void {
    const checked = checkAuthorize(this.sim, query);
    if (!checked.ok) return sendPage(res, 400, oauthErrorPage(checked.message));
    const { request } = checked;
    sendPage(res, 200, signInPage({ applicationName: this.sim.state.application.name, scopes: request.scopes, params: request.params, users: choices(this.sim) }));
  }

  private decide(res: ServerResponse, form: URLSearchParams): void {
    const checked = checkAuthorize(this.sim, form);
    if (!checked.ok) return sendPage(res, 400, oauthErrorPage(checked.message));
    const { request } = checked;
    if (form.get('action') === 'cancel') {
      return redirect(res, backToApp(request, { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request' }));
    }
    const userId = form.get('user_id') ?? '';
    const user = this.sim.state.users.get(userId);
    if (!user || user.bot) return sendPage(res, 400, oauthErrorPage('Pick one of the simulated users to sign in as.'));
    const code = this.sim.oauth.grants.issueCode({ userId, redirectUri: request.redirectUri, scopes: request.scopes, codeChallenge: request.codeChallenge });
    redirect(res, backToApp(request, { code }));
  }

  private authenticateClient(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): boolean {
    const client = clientCredentials(req, form);
    if (!client || client.id !== this.sim.state.application.id || client.secret !== this.sim.oauth.clientSecret) {
      oauthError(res, 401, 'invalid_client', 'Client authentication failed: check the client id and secret.');
      return false;
    }
    return true;
  }

  private token(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): void {
    if (!this.authenticateClient(req, res, form)) return;
    const grants = this.sim.oauth.grants;
    const grantType = form.get('grant_type');
    let result: IssuedTokens | GrantFailure;
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      const redirectUri = form.get('redirect_uri');
      if (!code) return oauthError(res, 400, 'invalid_request', 'code is missing.');
      if (!redirectUri) return oauthError(res, 400, 'invalid_request', 'redirect_uri is missing.');
      result = grants.redeemCode(code, redirectUri, form.get('code_verifier') ?? undefined);
    } else if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      if (!refreshToken) return oauthError(res, 400, 'invalid_request', 'refresh_token is missing.');
      result = grants.refresh(refreshToken);
    } else {
      return oauthError(res, 400, 'unsupported_grant_type', `grant_type must be authorization_code or refresh_token (got "${grantType ?? ''}").`);
    }
    if (isFailure(result)) return oauthError(res, 400, result.error, result.description);
    sendJson(res, 200, result, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  }

  private revoke(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): void {
    if (!this.authenticateClient(req, res, form)) return;
    const token = form.get('token');
    if (!token) return oauthError(res, 400, 'invalid_request', 'token is missing.');
    this.sim.oauth.grants.revoke(token);
    sendJson(res, 200, {});
  }

  private userInfo(req: IncomingMessage, res: ServerResponse): void {
    const owner = userBearerOwner(this.sim, req.headers.authorization);
    if (!owner) return sendJson(res, 401, { message: '401: Unauthorized', code: 0 });
    if (!owner.scopes.includes('identify')) return sendJson(res, 403, { message: 'Missing Access', code: 50001 });
    sendJson(res, 200, { ...this.sim.state.requireUser(owner.userId), locale: 'en-US', mfa_enabled: false, verified: true });
  }
}
