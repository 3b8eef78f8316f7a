import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OAuth2Server } from 'oauth2-mock-server';
import { pkceChallenge, randomToken } from '../../../../src/modules/linking/oauth-state.ts';
import {
  OAuthProviderClient,
  OAuthProviderError,
  isInvalidGrant,
  normaliseScopes,
} from '../../../../src/modules/linking/providers/oauth-provider-client.ts';
import type { InvalidGrant, ProviderTokens } from '../../../../src/modules/linking/providers/oauth-provider-client.ts';
import type { OAuthPlatform } from '../../../../src/storage/schema.ts';

const REDIRECT = 'https://switchboard.example/link/callback';
const NOW = Date.UTC(2025, 0, 1);

interface TokenRequest {
  body: Record<string, string>;
}
interface RevokeRequest {
  url: string;
}
/** A request as the client sent it (the mock's revoke route does not parse bodies). */
interface SentRequest {
  url: string;
  method: string;
  body: URLSearchParams;
}
type MutableResponse = { body: Record<string, unknown> | string; statusCode: number };
type Shaper = (response: MutableResponse, body: Record<string, string>) => void;

/** One oauth2-mock-server; each test shapes its token answers with `shape`. */
class MockProvider {
  readonly server = new OAuth2Server();
  tokenRequests: TokenRequest[] = [];
  revokeRequests: RevokeRequest[] = [];
  sent: SentRequest[] = [];
  shape: Shaper = () => {};
  revokeStatus = 200;

  async start(): Promise<void> {
    await this.server.issuer.keys.generate('RS256');
    await this.server.start(0, '127.0.0.1');
    this.server.service.on('beforeResponse', (response: MutableResponse, req: { body: Record<string, string> }) => {
      this.tokenRequests.push({ body: { ...req.body } });
      // None of the four sends an id_token without `openid`, which is never requested.
      if (typeof response.body === 'object') delete response.body['id_token'];
      this.shape(response, req.body);
    });
    this.server.service.on('beforeRevoke', (response: { statusCode: number }, req: { originalUrl: string }) => {
      this.revokeRequests.push({ url: req.originalUrl });
      response.statusCode = this.revokeStatus;
    });
  }

  reset(): void {
    this.tokenRequests = [];
    this.revokeRequests = [];
    this.sent = [];
    this.shape = () => {};
    this.revokeStatus = 200;
  }

  get url(): string {
    const url = this.server.issuer.url;
    assert.ok(url !== undefined);
    return url;
  }

  client(...platforms: OAuthPlatform[]): OAuthProviderClient {
    const providers = Object.fromEntries(platforms.map((p) => [p, { clientId: `${p}-client`, clientSecret: `${p}-secret`, baseUrl: this.url }]));
    const recording: typeof fetch = async (input, init) => {
      const body = init?.body;
      this.sent.push({
        url: String(input),
        method: init?.method ?? 'GET',
        body: new URLSearchParams(typeof body === 'string' || body instanceof URLSearchParams ? body : undefined),
      });
      return fetch(input, init);
    };
    return new OAuthProviderClient({ providers, now: () => NOW, fetch: recording });
  }
}

/** Follows the authorization URL as a browser would and returns the code from the redirect. */
async function authorize(url: URL): Promise<{ code: string; state: string | null }> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get('location') ?? '');
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  const code = location.searchParams.get('code');
  assert.ok(code !== null);
  return { code, state: location.searchParams.get('state') };
}

function tokens(result: ProviderTokens | InvalidGrant): ProviderTokens {
  assert.ok(!isInvalidGrant(result), 'expected tokens, got invalid_grant');
  return result;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  assert.ok(address !== null && typeof address === 'object');
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return address.port;
}

describe('OAuth provider client against oauth2-mock-server', () => {
  const mock = new MockProvider();
  before(() => mock.start());
  after(() => mock.server.stop());
  beforeEach(() => mock.reset());

  describe('Twitch-shaped (no PKCE, scope as a JSON array)', () => {
    it('builds an authorization URL without PKCE and refuses a code challenge', () => {
      const client = mock.client('twitch');
      const url = client.authorizationUrl('twitch', { state: 's1', redirectUri: REDIRECT });
      assert.equal(`${url.origin}${url.pathname}`, `${mock.url}/authorize`);
      assert.equal(url.searchParams.get('client_id'), 'twitch-client');
      assert.equal(url.searchParams.get('response_type'), 'code');
      assert.equal(url.searchParams.get('redirect_uri'), REDIRECT);
      assert.equal(url.searchParams.get('state'), 's1');
      assert.equal(url.searchParams.get('scope'), 'user:read:email');
      assert.equal(url.searchParams.has('code_challenge'), false);
      assert.equal(url.searchParams.has('code_challenge_method'), false);
      assert.throws(() => client.authorizationUrl('twitch', { state: 's1', redirectUri: REDIRECT, codeChallenge: 'x' }), /does not support PKCE/);
    });

    it('exchanges a code and normalises an array scope', async () => {
      const client = mock.client('twitch');
      mock.shape = (response) => {
        if (typeof response.body === 'object') {
          response.body['scope'] = ['channel:read:subscriptions', 'user:read:email'];
          response.body['expires_in'] = 14_400;
        }
      };
      const { code, state } = await authorize(client.authorizationUrl('twitch', { state: 'st-twitch', redirectUri: REDIRECT }));
      assert.equal(state, 'st-twitch');
      const result = await client.exchangeCode('twitch', { code, state: 'st-twitch', redirectUri: REDIRECT });
      assert.deepEqual(result.scopes, ['channel:read:subscriptions', 'user:read:email']);
      assert.equal(typeof result.accessToken, 'string');
      assert.ok(result.accessToken.length > 0);
      assert.equal(typeof result.refreshToken, 'string');
      assert.deepEqual(result.expiresAt, new Date(NOW + 14_400_000));
      const sent = mock.tokenRequests[0]?.body;
      assert.ok(sent !== undefined);
      assert.equal(sent['grant_type'], 'authorization_code');
      assert.equal(sent['code'], code);
      assert.equal(sent['redirect_uri'], REDIRECT);
      assert.equal(sent['client_id'], 'twitch-client');
      assert.equal(sent['client_secret'], 'twitch-secret');
      assert.equal('code_verifier' in sent, false);
      await assert.rejects(client.exchangeCode('twitch', { code, state: 's', redirectUri: REDIRECT, codeVerifier: randomToken() }), /does not support PKCE/);
    });

    it("takes Twitch's non-standard dead-refresh answer as invalid_grant", async () => {
      const client = mock.client('twitch');
      mock.shape = (response) => {
        response.statusCode = 400;
        response.body = { status: 400, message: 'Invalid refresh token' };
      };
      assert.deepEqual(await client.refresh('twitch', 'dead'), { error: 'invalid_grant' });
    });
  });

  describe('Kick-shaped (PKCE required, rotating refresh tokens, query-string revocation)', () => {
    /** Kick's rules: code exchange needs a verifier; a refresh token works once and is replaced. */
    function kickShape(): Set<string> {
      const live = new Set<string>();
      mock.shape = (response, body) => {
        if (typeof response.body !== 'object') return;
        if (body['grant_type'] === 'authorization_code' && body['code_verifier'] === undefined) {
          response.statusCode = 400;
          response.body = { error: 'invalid_request', error_description: 'code_verifier required' };
          return;
        }
        if (body['grant_type'] === 'refresh_token') {
          const presented = body['refresh_token'] ?? '';
          if (!live.delete(presented)) {
            response.statusCode = 400;
            response.body = { error: 'invalid_grant', error_description: 'refresh token revoked' };
            return;
          }
        }
        const issued = response.body['refresh_token'];
        if (typeof issued === 'string') live.add(issued);
      };
      return live;
    }

    it('sends an S256 challenge, and the mock verifies the verifier against it', async () => {
      kickShape();
      const client = mock.client('kick');
      const verifier = randomToken();
      assert.throws(() => client.authorizationUrl('kick', { state: 'k', redirectUri: REDIRECT }), /requires a PKCE code challenge/);
      const url = client.authorizationUrl('kick', { state: 'k', redirectUri: REDIRECT, codeChallenge: pkceChallenge(verifier) });
      assert.equal(url.searchParams.get('code_challenge'), pkceChallenge(verifier));
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(url.searchParams.get('scope'), 'user:read channel:read');

      await assert.rejects(client.exchangeCode('kick', { code: 'c', state: 'k', redirectUri: REDIRECT }), /requires a PKCE code verifier/);

      // A wrong verifier is refused by the server's PKCE check.
      const wrong = await authorize(url);
      await assert.rejects(client.exchangeCode('kick', { code: wrong.code, state: 'k', redirectUri: REDIRECT, codeVerifier: randomToken() }), OAuthProviderError);

      const { code } = await authorize(url);
      const result = await client.exchangeCode('kick', { code, state: 'k', redirectUri: REDIRECT, codeVerifier: verifier });
      assert.deepEqual(result.scopes, ['dummy']);
      assert.equal(mock.tokenRequests.at(-1)?.body['code_verifier'], verifier);
    });

    it('rejects a code exchange without a verifier at the server', async () => {
      kickShape();
      // Twitch's table entry sends no verifier; pointed at a Kick-shaped server it must fail.
      const client = mock.client('twitch');
      const { code } = await authorize(client.authorizationUrl('twitch', { state: 'k', redirectUri: REDIRECT }));
      await assert.rejects(client.exchangeCode('twitch', { code, state: 'k', redirectUri: REDIRECT }), (error: unknown) => {
        assert.ok(error instanceof OAuthProviderError);
        assert.equal(error.status, 400);
        assert.equal(error.oauthError, 'invalid_request');
        assert.equal(error.transient, false);
        return true;
      });
    });

    it('returns the rotated refresh token, after which the old one is dead', async () => {
      kickShape();
      const client = mock.client('kick');
      const verifier = randomToken();
      const { code } = await authorize(client.authorizationUrl('kick', { state: 'k', redirectUri: REDIRECT, codeChallenge: pkceChallenge(verifier) }));
      const first = await client.exchangeCode('kick', { code, state: 'k', redirectUri: REDIRECT, codeVerifier: verifier });
      assert.ok(first.refreshToken !== null);

      const second = tokens(await client.refresh('kick', first.refreshToken));
      assert.ok(second.refreshToken !== null);
      assert.notEqual(second.refreshToken, first.refreshToken);
      assert.equal(mock.tokenRequests.at(-1)?.body['refresh_token'], first.refreshToken);
      assert.equal(mock.tokenRequests.at(-1)?.body['grant_type'], 'refresh_token');

      assert.deepEqual(await client.refresh('kick', first.refreshToken), { error: 'invalid_grant' });
      const third = tokens(await client.refresh('kick', second.refreshToken));
      assert.notEqual(third.refreshToken, second.refreshToken);
    });

    it("revokes with Kick's query-string form", async () => {
      const client = mock.client('kick');
      await client.revoke('kick', 'kick-access-token');
      await client.revoke('kick', 'kick-refresh-token', 'refresh_token');
      assert.equal(mock.revokeRequests.length, 2);
      const [first, second] = mock.revokeRequests;
      assert.ok(first !== undefined && second !== undefined);
      const u1 = new URL(first.url, mock.url);
      assert.equal(u1.pathname, '/revoke');
      assert.equal(u1.searchParams.get('token'), 'kick-access-token');
      assert.equal(u1.searchParams.get('token_hint_type'), 'access_token');
      const sent = mock.sent[0];
      assert.ok(sent !== undefined);
      assert.equal(sent.method, 'POST');
      assert.equal(new URL(sent.url).searchParams.get('token'), 'kick-access-token');
      assert.equal(sent.body.has('token'), false);
      assert.equal(sent.body.has('token_type_hint'), false);
      assert.equal(sent.body.get('client_id'), 'kick-client');
      const u2 = new URL(second.url, mock.url);
      assert.equal(u2.searchParams.get('token'), 'kick-refresh-token');
      assert.equal(u2.searchParams.get('token_hint_type'), 'refresh_token');
    });
  });

  describe('Discord-shaped refresh failures', () => {
    it('returns invalid_grant when the grant is dead', async () => {
      const client = mock.client('discord');
      mock.shape = (response) => {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant' };
      };
      const result = await client.refresh('discord', 'revoked-refresh');
      assert.deepEqual(result, { error: 'invalid_grant' });
      assert.ok(isInvalidGrant(result));
      assert.equal(mock.tokenRequests[0]?.body['refresh_token'], 'revoked-refresh');
    });

    it('keeps the refresh token it was given when the provider does not rotate', async () => {
      const client = mock.client('discord');
      mock.shape = (response) => {
        if (typeof response.body === 'object') {
          delete response.body['refresh_token'];
          response.body['scope'] = 'identify guilds';
        }
      };
      const result = tokens(await client.refresh('discord', 'still-good'));
      assert.equal(result.refreshToken, 'still-good');
      assert.deepEqual(result.scopes, ['identify', 'guilds']);
    });

    it('throws a transient error on a 5xx, to be retried', async () => {
      const client = mock.client('discord');
      mock.shape = (response) => {
        response.statusCode = 503;
        response.body = { error: 'temporarily_unavailable' };
      };
      await assert.rejects(client.refresh('discord', 'r'), (error: unknown) => {
        assert.ok(error instanceof OAuthProviderError);
        assert.equal(error.transient, true);
        assert.equal(error.status, 503);
        return true;
      });
    });

    it('throws a transient error on a 5xx without a JSON body', async () => {
      const client = mock.client('discord');
      mock.shape = (response) => {
        response.statusCode = 502;
        response.body = 'Bad Gateway';
      };
      await assert.rejects(client.refresh('discord', 'r'), (error: unknown) => {
        assert.ok(error instanceof OAuthProviderError);
        assert.equal(error.transient, true);
        assert.equal(error.status, 502);
        return true;
      });
    });

    it('throws a transient error when the provider cannot be reached', async () => {
      const port = await closedPort();
      const client = new OAuthProviderClient({ providers: { discord: { clientId: 'c', clientSecret: 's', baseUrl: `http://127.0.0.1:${port}` } } });
      await assert.rejects(client.refresh('discord', 'r'), (error: unknown) => {
        assert.ok(error instanceof OAuthProviderError);
        assert.equal(error.transient, true);
        assert.equal(error.status, null);
        return true;
      });
    });

    it('throws a permanent error on another OAuth error (bad client credentials)', async () => {
      const client = mock.client('discord');
      mock.shape = (response) => {
        response.statusCode = 401;
        response.body = { error: 'invalid_client' };
      };
      await assert.rejects(client.refresh('discord', 'r'), (error: unknown) => {
        assert.ok(error instanceof OAuthProviderError);
        assert.equal(error.transient, false);
        assert.equal(error.oauthError, 'invalid_client');
        return true;
      });
    });

    it('revokes with the RFC 7009 form body', async () => {
      const client = mock.client('discord');
      await client.revoke('discord', 'discord-token');
      const req = mock.revokeRequests[0];
      assert.ok(req !== undefined);
      assert.equal(new URL(req.url, mock.url).search, '');
      const sent = mock.sent[0];
      assert.ok(sent !== undefined);
      assert.equal(sent.method, 'POST');
      assert.equal(sent.body.get('token'), 'discord-token');
      assert.equal(sent.body.get('token_type_hint'), 'access_token');
      assert.equal(sent.body.get('client_id'), 'discord-client');
    });

    it('throws a transient error when revocation answers 5xx', async () => {
      const client = mock.client('discord');
      mock.revokeStatus = 500;
      await assert.rejects(client.revoke('discord', 't'), (error: unknown) => error instanceof OAuthProviderError && error.transient && error.status === 500);
    });
  });

  describe('Google-shaped (YouTube)', () => {
    it('puts access_type=offline, prompt=consent and PKCE in the authorization URL', () => {
      const client = mock.client('youtube');
      const verifier = randomToken();
      const url = client.authorizationUrl('youtube', { state: 'g', redirectUri: REDIRECT, codeChallenge: pkceChallenge(verifier) });
      assert.equal(url.searchParams.get('access_type'), 'offline');
      assert.equal(url.searchParams.get('prompt'), 'consent');
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(url.searchParams.get('scope'), 'https://www.googleapis.com/auth/youtube.readonly');
    });

    it('uses the production endpoint when no base URL is given', () => {
      const client = new OAuthProviderClient({ providers: { youtube: { clientId: 'g', clientSecret: 's' } } });
      const url = client.authorizationUrl('youtube', { state: 'g', redirectUri: REDIRECT, codeChallenge: pkceChallenge(randomToken()) });
      assert.equal(`${url.origin}${url.pathname}`, 'https://accounts.google.com/o/oauth2/v2/auth');
      assert.equal(url.searchParams.get('access_type'), 'offline');
      assert.throws(() => client.authorizationUrl('kick', { state: 'g', redirectUri: REDIRECT }), /not configured/);
    });

    it('reports no refresh token when Google sends none (consent already given)', async () => {
      const client = mock.client('youtube');
      mock.shape = (response) => {
        if (typeof response.body === 'object') {
          delete response.body['refresh_token'];
          delete response.body['expires_in'];
          response.body['scope'] = 'https://www.googleapis.com/auth/youtube.readonly openid';
        }
      };
      const verifier = randomToken();
      const { code } = await authorize(client.authorizationUrl('youtube', { state: 'g', redirectUri: REDIRECT, codeChallenge: pkceChallenge(verifier) }));
      const result = await client.exchangeCode('youtube', { code, state: 'g', redirectUri: REDIRECT, codeVerifier: verifier });
      assert.equal(result.refreshToken, null);
      assert.equal(result.expiresAt, null);
      assert.deepEqual(result.scopes, ['https://www.googleapis.com/auth/youtube.readonly', 'openid']);
    });
  });
});

describe('normaliseScopes', () => {
  it('reads space-separated strings and JSON arrays', () => {
    assert.deepEqual(normaliseScopes('a  b\tc'), ['a', 'b', 'c']);
    assert.deepEqual(normaliseScopes(['a', 'b']), ['a', 'b']);
    assert.deepEqual(normaliseScopes(''), []);
    assert.equal(normaliseScopes(undefined), null);
  });
});
