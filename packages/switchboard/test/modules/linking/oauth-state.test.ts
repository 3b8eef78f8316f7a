import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashToken, isOAuthPlatform, pkceChallenge, randomToken } from '../../../src/modules/linking/oauth-state.ts';

describe('OAuth state values', () => {
  it('makes 32-byte base64url tokens that differ each time', () => {
    const a = randomToken();
    const b = randomToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(a, 'base64url').length, 32);
    assert.notEqual(a, b);
  });

  it('hashes with SHA-256 hex', () => {
    assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('computes the S256 PKCE challenge of RFC 7636 appendix B', () => {
    assert.equal(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('knows the four providers and nothing else', () => {
    for (const p of ['twitch', 'youtube', 'kick', 'discord']) assert.ok(isOAuthPlatform(p));
    for (const p of ['github', '', 'Twitch', 1, null]) assert.equal(isOAuthPlatform(p), false);
  });
});
