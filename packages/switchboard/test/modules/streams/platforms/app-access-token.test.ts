import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAppAccessToken } from '../../../../src/modules/streams/platforms/app-access-token.ts';
import { createPlatformHttp, endpoint } from '../../../../src/modules/streams/platforms/platform-http.ts';
import { StreamPlatformError } from '../../../../src/modules/streams/stream-platform.ts';
import { startStreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';
import type { StreamPlatformsFake } from '../../../support/stream-platforms-fake.ts';

const TOKEN_ROUTE = 'POST /twitch/oauth2/token';

describe('app access token', () => {
  let fake: StreamPlatformsFake;
  before(async () => {
    fake = await startStreamPlatformsFake();
  });
  after(async () => {
    await fake.close();
  });

  function tokenRequests(): number {
    return fake.requestCounts()[TOKEN_ROUTE] ?? 0;
  }

  function twitchToken(overrides: { clientSecret?: string; tokenUrl?: string; now?: () => number } = {}) {
    const http = createPlatformHttp({ platform: 'twitch' });
    const token = createAppAccessToken({
      http,
      clientId: fake.twitch.clientId,
      clientSecret: overrides.clientSecret ?? fake.twitch.clientSecret,
      tokenUrl: overrides.tokenUrl ?? `${fake.twitch.oauthBaseUrl}/token`,
      now: overrides.now,
    });
    return { http, token };
  }

  it('fetches one token for concurrent callers and reuses it', async () => {
    const before = tokenRequests();
    const { token } = twitchToken();
    const [first, second, third] = await Promise.all([token.get(), token.get(), token.get()]);
    assert.ok(first !== undefined && first.length > 0);
    assert.equal(second, first);
    assert.equal(third, first);
    assert.equal(await token.get(), first);
    assert.equal(tokenRequests() - before, 1);
  });

  it('renews shortly before expiry (the fake issues one-hour tokens)', async () => {
    let now = 1_000_000;
    const { token } = twitchToken({ now: () => now });
    const before = tokenRequests();
    const first = await token.get();
    now += 3600_000 - 61_000;
    assert.equal(await token.get(), first, 'still more than a minute left: reused');
    now += 2_000;
    const renewed = await token.get();
    assert.notEqual(renewed, first);
    assert.equal(tokenRequests() - before, 2);
  });

  it('drops the token after a 401 from the API and retries once with a new one', async () => {
    const { http, token } = twitchToken();
    const usersUrl = endpoint(fake.twitch.apiUrl, '/users', [['login', 'nobody']]);
    const call = (accessToken: string) =>
      http.send({ method: 'GET', url: usersUrl, headers: { 'Client-Id': fake.twitch.clientId, Authorization: `Bearer ${accessToken}` } });

    const first = await token.get();
    assert.equal((await token.authorized(call)).status, 200);
    const before = tokenRequests();

    fake.invalidateTokens('twitch');
    const seen: string[] = [];
    const response = await token.authorized((accessToken) => {
      seen.push(accessToken);
      return call(accessToken);
    });
    assert.equal(response.status, 200);
    assert.equal(seen.length, 2);
    assert.equal(seen[0], first);
    assert.notEqual(seen[1], first);
    assert.equal(tokenRequests() - before, 1);
    assert.equal(await token.get(), seen[1], 'the new token is cached');
  });

  it('does not drop a newer token when an old one is reported', async () => {
    const { token } = twitchToken();
    const old = await token.get();
    token.invalidate(old);
    const fresh = await token.get();
    assert.notEqual(fresh, old);
    const before = tokenRequests();
    token.invalidate(old);
    assert.equal(await token.get(), fresh);
    assert.equal(tokenRequests(), before);
  });

  it('refuses bad credentials with a non-transient error, and does not cache the failure', async () => {
    const { token } = twitchToken({ clientSecret: 'wrong-secret' });
    await assert.rejects(token.get(), (error: unknown) => {
      assert.ok(error instanceof StreamPlatformError);
      assert.equal(error.platform, 'twitch');
      assert.equal(error.transient, false);
      assert.equal(error.status, 401);
      assert.doesNotMatch(error.message, /wrong-secret/);
      return true;
    });
    const before = tokenRequests();
    await assert.rejects(token.get(), StreamPlatformError);
    assert.equal(tokenRequests() - before, 1, 'each call tries again');
  });

  it('reports an unreachable token endpoint as transient', async () => {
    const { token } = twitchToken({ tokenUrl: 'http://127.0.0.1:1/token' });
    await assert.rejects(token.get(), (error: unknown) => error instanceof StreamPlatformError && error.transient && error.status === null);
  });

  it('works the same against Kick', async () => {
    const http = createPlatformHttp({ platform: 'kick' });
    const token = createAppAccessToken({ http, clientId: fake.kick.clientId, clientSecret: fake.kick.clientSecret, tokenUrl: `${fake.kick.oauthBaseUrl}/token` });
    const value = await token.get();
    const response = await http.send({ method: 'GET', url: endpoint(fake.kick.apiUrl, '/channels', [['slug', 'none']]), headers: { Authorization: `Bearer ${value}` } });
    assert.equal(response.status, 200);
    const refused = createAppAccessToken({ http, clientId: fake.kick.clientId, clientSecret: 'nope', tokenUrl: `${fake.kick.oauthBaseUrl}/token` });
    await assert.rejects(refused.get(), (error: unknown) => error instanceof StreamPlatformError && !error.transient && error.status === 401);
  });

  it('refuses empty credentials up front', () => {
    const http = createPlatformHttp({ platform: 'kick' });
    assert.throws(() => createAppAccessToken({ http, clientId: '', clientSecret: 'x', tokenUrl: 'http://127.0.0.1:1/token' }), StreamPlatformError);
  });
});
