import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROVIDERS, providerSpec, withBaseUrl } from '../../../../src/modules/linking/providers/provider-table.ts';

describe('provider table', () => {
  it('has the production endpoints of the four providers', () => {
    assert.equal(PROVIDERS.twitch.endpoints.authorization, 'https://id.twitch.tv/oauth2/authorize');
    assert.equal(PROVIDERS.twitch.endpoints.token, 'https://id.twitch.tv/oauth2/token');
    assert.equal(PROVIDERS.twitch.endpoints.revocation, 'https://id.twitch.tv/oauth2/revoke');
    assert.equal(PROVIDERS.youtube.endpoints.authorization, 'https://accounts.google.com/o/oauth2/v2/auth');
    assert.equal(PROVIDERS.youtube.endpoints.token, 'https://oauth2.googleapis.com/token');
    assert.equal(PROVIDERS.youtube.endpoints.revocation, 'https://oauth2.googleapis.com/revoke');
    assert.equal(PROVIDERS.kick.endpoints.authorization, 'https://id.kick.com/oauth/authorize');
    assert.equal(PROVIDERS.kick.endpoints.token, 'https://id.kick.com/oauth/token');
    assert.equal(PROVIDERS.kick.endpoints.revocation, 'https://id.kick.com/oauth/revoke');
    assert.equal(PROVIDERS.discord.endpoints.authorization, 'https://discord.com/oauth2/authorize');
    assert.equal(PROVIDERS.discord.endpoints.token, 'https://discord.com/api/oauth2/token');
    assert.equal(PROVIDERS.discord.endpoints.revocation, 'https://discord.com/api/oauth2/token/revoke');
    for (const spec of Object.values(PROVIDERS)) {
      assert.match(spec.endpoints.userInfo, /^https:\/\//);
      assert.ok(spec.defaultScopes.length > 0, spec.platform);
    }
  });

  it('records the quirks: PKCE, Google offline consent, Kick rotation and revocation form, Twitch array scope', () => {
    assert.deepEqual(
      Object.fromEntries(Object.values(PROVIDERS).map((s) => [s.platform, s.pkce])),
      { twitch: false, youtube: true, kick: true, discord: true },
    );
    assert.deepEqual(PROVIDERS.youtube.extraAuthorizationParams, { access_type: 'offline', prompt: 'consent' });
    assert.deepEqual(PROVIDERS.twitch.extraAuthorizationParams, {});
    assert.equal(PROVIDERS.kick.rotatesRefreshTokens, true);
    assert.equal(PROVIDERS.kick.revocationStyle, 'query');
    assert.equal(PROVIDERS.discord.revocationStyle, 'rfc7009');
    assert.equal(PROVIDERS.twitch.scopeFormat, 'array');
  });

  it('points every endpoint of a provider at another base URL and keeps its quirks', () => {
    const spec = withBaseUrl(PROVIDERS.youtube, 'http://127.0.0.1:8080/proxy/google/');
    assert.deepEqual(spec.endpoints, {
      issuer: 'http://127.0.0.1:8080/proxy/google',
      authorization: 'http://127.0.0.1:8080/proxy/google/authorize',
      token: 'http://127.0.0.1:8080/proxy/google/token',
      revocation: 'http://127.0.0.1:8080/proxy/google/revoke',
      userInfo: 'http://127.0.0.1:8080/proxy/google/userinfo',
    });
    assert.deepEqual(spec.extraAuthorizationParams, PROVIDERS.youtube.extraAuthorizationParams);
    assert.equal(spec.pkce, true);
    assert.equal(withBaseUrl(PROVIDERS.kick, 'https://p.example', { token: '/oauth/token' }).endpoints.token, 'https://p.example/oauth/token');
    // The production table is not modified.
    assert.equal(PROVIDERS.youtube.endpoints.token, 'https://oauth2.googleapis.com/token');
    assert.equal(providerSpec('kick'), PROVIDERS.kick);
    assert.equal(providerSpec('kick', 'https://p.example').endpoints.revocation, 'https://p.example/revoke');
    assert.throws(() => withBaseUrl(PROVIDERS.kick, 'not a url'), TypeError);
  });
});
