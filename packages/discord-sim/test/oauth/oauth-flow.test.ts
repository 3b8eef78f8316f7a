/**
 * The simulator's OAuth2: the sign-in page, the code grant with PKCE, code reuse, client authentication,
 * refresh rotation, revocation, and the user-token REST routes (`/users/@me`, `/users/@me/guilds` with
 * permissions computed like for interactions) next to the bot token.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Simulator } from '../../src/index.ts';
import { api, control, createTestGuild, withSim } from '../support/sim-helpers.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
const MANAGE_GUILD = 1n << 5n;

function authorizeUrl(sim: Simulator, extra: Record<string, string> = {}): string {
  const url = new URL(`${sim.url}/oauth2/authorize`);
  const params = { response_type: 'code', client_id: sim.clientId, redirect_uri: REDIRECT, scope: 'identify guilds', state: 'st-1', ...extra };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/** Posts the sign-in page's form as a browser would: the hidden fields plus the clicked button. */
async function choose(sim: Simulator, page: string, button: { name: string; value: string }): Promise<Response> {
  const form = new URLSearchParams();
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(match[1]!, match[2]!.replace(/&amp;/g, '&'));
  form.set(button.name, button.value);
  return fetch(`${sim.url}/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
}

async function token(sim: Simulator, fields: Record<string, string>, auth: 'post' | 'basic' = 'post', secret = sim.clientSecret): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new URLSearchParams(fields);
  const headers: Record<string, string> = {};
  if (auth === 'post') {
    form.set('client_id', sim.clientId);
    form.set('client_secret', secret);
  } else {
    headers.authorization = `Basic ${Buffer.from(`${sim.clientId}:${secret}`).toString('base64')}`;
  }
  const response = await fetch(`${sim.url}/oauth2/token`, { method: 'POST', body: form, headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function signIn(sim: Simulator, userId: string, extra: Record<string, string> = {}): Promise<URL> {
  const page = await (await fetch(authorizeUrl(sim, extra))).text();
  const back = await choose(sim, page, { name: 'user_id', value: userId });
  assert.equal(back.status, 302);
  return new URL(back.headers.get('location') ?? '');
}

test('the whole code flow with PKCE: sign-in page, code, token, /users/@me and /userinfo as that user', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim);
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pageResponse = await fetch(authorizeUrl(sim, { code_challenge: challenge, code_challenge_method: 'S256' }));
    assert.equal(pageResponse.status, 200);
    assert.match(pageResponse.headers.get('content-type') ?? '', /text\/html/);
    const page = await pageResponse.text();
    assert.match(page, /Sign in as Alice/);
    assert.match(page, /Test Guild/);
    assert.doesNotMatch(page, new RegExp(`value="${sim.botUserId}"`), 'the bot is not offered');

    const back = await choose(sim, page, { name: 'user_id', value: ids.members.alice! });
    assert.equal(back.status, 302);
    const location = new URL(back.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('state'), 'st-1');
    const code = location.searchParams.get('code') ?? '';
    assert.ok(code.length > 10);

    const withoutVerifier = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    assert.equal(withoutVerifier.status, 400, 'a code issued with a challenge needs the verifier');
    const fresh = new URL((await signIn(sim, ids.members.alice!, { code_challenge: challenge, code_challenge_method: 'S256' })).href).searchParams.get('code')!;
    const wrongVerifier = await token(sim, { grant_type: 'authorization_code', code: fresh, redirect_uri: REDIRECT, code_verifier: randomBytes(32).toString('base64url') });
    assert.deepEqual([wrongVerifier.status, wrongVerifier.body.error], [400, 'invalid_grant']);

    const third = (await signIn(sim, ids.members.alice!, { code_challenge: challenge, code_challenge_method: 'S256' })).searchParams.get('code')!;
    const tokens = await token(sim, { grant_type: 'authorization_code', code: third, redirect_uri: REDIRECT, code_verifier: verifier }, 'basic');
    assert.equal(tokens.status, 200);
    assert.equal(tokens.body.token_type, 'Bearer');
    assert.equal(tokens.body.expires_in, 604800);
    assert.equal(tokens.body.scope, 'identify guilds');
    assert.equal(typeof tokens.body.refresh_token, 'string');

    const bearer = { Authorization: `Bearer ${String(tokens.body.access_token)}` };
    const me = await api<{ id: string; username: string }>(sim, 'GET', '/users/@me', undefined, null, bearer);
    assert.deepEqual([me.status, me.body.id, me.body.username], [200, ids.members.alice, 'alice']);
    const info = await fetch(`${sim.url}/oauth2/userinfo`, { headers: bearer });
    assert.equal(((await info.json()) as { id: string }).id, ids.members.alice);
    // The bot token keeps answering for the bot.
    const bot = await api<{ id: string }>(sim, 'GET', '/users/@me');
    assert.equal(bot.body.id, sim.botUserId);
  });
});

test('a code is used once, must come back with its redirect_uri, and needs the right client secret', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim);
    const code = (await signIn(sim, ids.members.bob!)).searchParams.get('code')!;
    const wrongSecret = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, 'post', 'not-the-secret');
    assert.deepEqual([wrongSecret.status, wrongSecret.body.error], [401, 'invalid_client']);
    const first = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    assert.equal(first.status, 200);
    const again = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    assert.deepEqual([again.status, again.body.error], [400, 'invalid_grant']);

    const other = (await signIn(sim, ids.members.bob!)).searchParams.get('code')!;
    const elsewhere = await token(sim, { grant_type: 'authorization_code', code: other, redirect_uri: 'http://127.0.0.1:9/other' });
    assert.deepEqual([elsewhere.status, elsewhere.body.error], [400, 'invalid_grant']);
    const badGrant = await token(sim, { grant_type: 'password' });
    assert.deepEqual([badGrant.status, badGrant.body.error], [400, 'unsupported_grant_type']);

    // Refresh rotates: the old refresh token stops working; revoking ends the grant.
    const refreshed = await token(sim, { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, first.body.refresh_token);
    const stale = await token(sim, { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) });
    assert.deepEqual([stale.status, stale.body.error], [400, 'invalid_grant']);
    const access = String(refreshed.body.access_token);
    assert.equal((await api(sim, 'GET', '/users/@me', undefined, null, { Authorization: `Bearer ${access}` })).status, 200);
    const revoked = await fetch(`${sim.url}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: access, client_id: sim.clientId, client_secret: sim.clientSecret }) });
    assert.equal(revoked.status, 200);
    assert.equal((await api(sim, 'GET', '/users/@me', undefined, null, { Authorization: `Bearer ${access}` })).status, 401);
  });
});

test('cancel sends access_denied back; a bad client id, redirect or scope is an error page, not a redirect', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    await createTestGuild(sim);
    const page = await (await fetch(authorizeUrl(sim))).text();
    const cancelled = await choose(sim, page, { name: 'action', value: 'cancel' });
    assert.equal(cancelled.status, 302);
    const location = new URL(cancelled.headers.get('location') ?? '');
    assert.deepEqual([location.searchParams.get('error'), location.searchParams.get('state'), location.searchParams.get('code')], ['access_denied', 'st-1', null]);

    for (const [extra, words] of [
      [{ client_id: '123' }, /Unknown application/],
      [{ redirect_uri: '' }, /redirect_uri is missing/],
      [{ scope: 'identify hack' }, /Invalid scope: hack/],
      [{ scope: '' }, /scope is missing/],
      [{ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, /S256/],
    ] as const) {
      const response = await fetch(authorizeUrl(sim, extra), { redirect: 'manual' });
      assert.equal(response.status, 400, JSON.stringify(extra));
      assert.match(await response.text(), words);
    }
  });
});

test('/users/@me/guilds with a user token: the guilds the user is in, with owner and computed permissions', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim, { roles: [{ name: 'Manager', permissions: ['ManageGuild'] }, { name: 'Helper', permissions: ['ManageThreads'] }], members: [{ username: 'owner' }, { username: 'alice', roles: ['Manager'] }, { username: 'bob', roles: ['Helper'] }] });
    await control(sim, 'POST', '/guilds', { name: 'Elsewhere', members: [{ username: 'carol' }] });
    const guildsOf = async (userId: string, scope = 'identify guilds') => {
      const code = (await signIn(sim, userId, { scope })).searchParams.get('code')!;
      const tokens = await token(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
      return api<Array<{ id: string; owner: boolean; permissions: string; name: string }>>(sim, 'GET', '/users/@me/guilds', undefined, null, { Authorization: `Bearer ${String(tokens.body.access_token)}` });
    };
    const owner = await guildsOf(ids.ownerId);
    assert.deepEqual(owner.body.map((g) => [g.id, g.owner]), [[ids.guildId, true]]);
    const alice = (await guildsOf(ids.members.alice!)).body;
    assert.equal(alice.length, 1);
    assert.equal(alice[0]!.owner, false);
    assert.equal(typeof alice[0]!.permissions, 'string');
    assert.ok((BigInt(alice[0]!.permissions) & MANAGE_GUILD) !== 0n, 'the Manager role grants Manage Server');
    const bob = (await guildsOf(ids.members.bob!)).body;
    assert.equal(BigInt(bob[0]!.permissions) & MANAGE_GUILD, 0n);
    const noGuildsScope = await guildsOf(ids.members.bob!, 'identify');
    assert.equal(noGuildsScope.status, 403, 'the guilds scope is needed');
    assert.equal((await api(sim, 'GET', '/users/@me/guilds', undefined, null, { Authorization: 'Bearer nope' })).status, 401);
    // The bot token lists the bot's guilds, as before.
    const bot = await api<Array<{ id: string }>>(sim, 'GET', '/users/@me/guilds');
    assert.equal(bot.body.length, 2);
  });
});
