/**
 * Dashboard sign-in end to end, on each database, over real HTTP with a cookie jar: "Sign in with Discord"
 * through the simulator's sign-in page (the owner manages the demo guild, a plain member gets none, the
 * guild's dashboard role grants it), token sign-in, CSRF and Origin checks on changes, guild scoping of a
 * guild manager's session, logout and expiry.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import type { Hub } from '../../../src/hub.ts';
import { dashboardSessionCleanupJob } from '../../../src/http/dashboard/dashboard-session-cleanup-job.ts';
import { DashboardSessions } from '../../../src/http/dashboard/dashboard-sessions.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { DashboardSessionRepository } from '../../../src/storage/dashboard-session-repository.ts';
import { freePort } from '../../support/cli.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../../support/simulator.ts';

type Me = { user: { id: string; name: string; avatarUrl: string | null } | null; kind: string; role: string; guilds: { id: string; name: string }[]; csrfToken: string };

/** A browser's cookies: what Set-Cookie stored, sent back on every request to the same host. */
class Browser {
  readonly cookies = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (/max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

describeEachDatabase('dashboard sign-in', ({ it, open }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let hubUrl = '';
  let admin = '';
  let viewer = '';

  before(async () => {
    sim = await startTestSimulator();
    const port = await freePort();
    hubUrl = `http://127.0.0.1:${port}`;
    hub = await testHub(
      await open(),
      {
        DISCORD_TOKEN: SIM_BOT_TOKEN,
        DISCORD_API_URL: sim.apiBase,
        DISCORD_CLIENT_ID: sim.clientId,
        DISCORD_CLIENT_SECRET: sim.clientSecret,
        DISCORD_OAUTH_URL: `${sim.url}/oauth2`,
        PORT: String(port),
        PUBLIC_URL: hubUrl,
      },
      { discord: true },
    );
    const tokens = new ApiTokenRepository(hub.database.db);
    for (const role of ['admin', 'viewer'] as const) {
      const material = generateApiToken();
      await tokens.create({ id: material.id, name: `dash-${role}`, role, tokenHash: material.hash, now: Date.now() });
      if (role === 'admin') admin = material.token;
      else viewer = material.token;
    }
    await hub.start();
    await eventually(() => hub.discord!.status().ready && hub.discord!.guildIds().has(sim.demo.guildId), 'the bot holds the demo guild');
  });
  after(async () => {
    await hub?.stop();
    await sim?.close();
  });

  /** Login → the simulator's page → "Sign in as" the member → callback → session cookie. */
  async function signInWithDiscord(userId: string): Promise<Browser> {
    const browser = new Browser();
    const login = await browser.fetch(`${hubUrl}/auth/discord/login`);
    assert.equal(login.status, 302);
    const authorize = new URL(login.headers.get('location')!);
    assert.equal(`${authorize.origin}${authorize.pathname}`, `${sim.url}/oauth2/authorize`);
    assert.equal(authorize.searchParams.get('scope'), 'identify guilds');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('redirect_uri'), `${hubUrl}/auth/discord/callback`);
    const page = await (await fetch(authorize)).text();
    assert.match(page, /Sign in as Ada Lovelace/);
    const form = new URLSearchParams();
    for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1]!, m[2]!.replace(/&amp;/g, '&'));
    form.set('user_id', userId);
    const chosen = await fetch(`${sim.url}/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    assert.equal(chosen.status, 302);
    const callback = await browser.fetch(chosen.headers.get('location')!);
    assert.equal(callback.status, 302, await callback.clone().text());
    assert.equal(callback.headers.get('location'), '/');
    assert.ok(browser.cookies.has('switchboard-session'), 'the session cookie is set');
    assert.ok(!browser.cookies.has('switchboard-signin'), 'the sign-in binding is cleared');
    const setCookie = callback.headers.getSetCookie().find((c) => c.startsWith('switchboard-session='))!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.match(setCookie, /Path=\//);
    assert.match(setCookie, /Max-Age=28800/);
    return browser;
  }

  async function me(browser: Browser): Promise<{ status: number; data: Me }> {
    const response = await browser.fetch(`${hubUrl}/api/v1/me`);
    const body = (await response.json()) as { data: Me };
    return { status: response.status, data: body.data };
  }

  async function signInWithToken(token: string): Promise<Browser> {
    const browser = new Browser();
    const response = await browser.fetch(`${hubUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    assert.equal(response.status, 204);
    return browser;
  }

  it('Sign in with Discord: the owner manages the demo guild; a plain member gets no guild; the dashboard role grants one', async () => {
    const owner = await signInWithDiscord(sim.demo.ownerId);
    const ownerMe = await me(owner);
    assert.equal(ownerMe.status, 200);
    assert.deepEqual([ownerMe.data.kind, ownerMe.data.role, ownerMe.data.user?.id, ownerMe.data.user?.name], ['discord', 'guild-manager', sim.demo.ownerId, 'Ada Lovelace']);
    assert.deepEqual(ownerMe.data.guilds.map((g) => [g.id, g.name]), [[sim.demo.guildId, 'Switchboard Demo']]);
    assert.ok(ownerMe.data.csrfToken.length > 20);

    const member = await signInWithDiscord(sim.demo.members.linus!);
    assert.deepEqual((await me(member)).data.guilds, []);
    const staff = await signInWithDiscord(sim.demo.members.grace!);
    assert.deepEqual((await me(staff)).data.guilds, [], 'Staff have no Manage Server');

    const patched = await fetch(`${hubUrl}/api/v1/guilds/${sim.demo.guildId}/config`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roleMappings: { dashboard: [sim.demo.roles.Staff] } }),
    });
    assert.equal(patched.status, 200, await patched.text());
    const staffAgain = await signInWithDiscord(sim.demo.members.grace!);
    assert.deepEqual((await me(staffAgain)).data.guilds.map((g) => g.id), [sim.demo.guildId]);
    assert.deepEqual((await me(await signInWithDiscord(sim.demo.members.linus!))).data.guilds, [], 'members without the role still get none');
  });

  it('a guild manager reaches its own guild only; admin-only routes are refused; /status is open to it', async () => {
    const owner = await signInWithDiscord(sim.demo.ownerId);
    const { csrfToken } = (await me(owner)).data;
    assert.equal((await owner.fetch(`${hubUrl}/api/v1/guilds/${sim.demo.guildId}/tickets`)).status, 200);
    const other = await owner.fetch(`${hubUrl}/api/v1/guilds/123456789012345678/tickets`);
    assert.equal(other.status, 403);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'not_your_guild');
    assert.equal((await owner.fetch(`${hubUrl}/api/v1/jobs`)).status, 403);
    assert.equal((await owner.fetch(`${hubUrl}/api/v1/bot/stop`, { method: 'POST', headers: { 'x-csrf-token': csrfToken } })).status, 403);
    assert.equal((await owner.fetch(`${hubUrl}/api/v1/status`)).status, 200);
    assert.equal(hub.discord!.status().running, true, 'the bot was not stopped');
  });

  it('CSRF: a change with the cookie needs X-CSRF-Token and the hub’s own Origin', async () => {
    const owner = await signInWithDiscord(sim.demo.ownerId);
    const { csrfToken } = (await me(owner)).data;
    const url = `${hubUrl}/api/v1/guilds/${sim.demo.guildId}/config`;
    const body = JSON.stringify({ meetings: { defaultDurationMinutes: 45 } });
    const bare = await owner.fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
    assert.equal(bare.status, 403);
    assert.equal(((await bare.json()) as { error: { code: string } }).error.code, 'csrf_failed');
    const wrong = await owner.fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': `${csrfToken.slice(0, -2)}xx` }, body });
    assert.equal(wrong.status, 403);
    const foreign = await owner.fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, origin: 'http://evil.example' }, body });
    assert.equal(foreign.status, 403);
    const good = await owner.fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, origin: hubUrl }, body });
    assert.equal(good.status, 200, await good.clone().text());
    assert.equal(((await good.json()) as { data: { config: { meetings: { defaultDurationMinutes: number } } } }).data.config.meetings.defaultDurationMinutes, 45);
    // Another session's token does not fit this cookie.
    const otherToken = (await me(await signInWithDiscord(sim.demo.ownerId))).data.csrfToken;
    assert.notEqual(otherToken, csrfToken);
    assert.equal((await owner.fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': otherToken }, body })).status, 403);
    // Bearer requests are unaffected.
    assert.equal((await fetch(url, { method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body })).status, 200);
  });

  it('token sign-in: an admin token session sees everything, a viewer token session reads only, a bad token is refused', async () => {
    const adminBrowser = await signInWithToken(admin);
    const adminMe = (await me(adminBrowser)).data;
    assert.deepEqual([adminMe.kind, adminMe.role, adminMe.user], ['token', 'admin', null]);
    assert.ok(adminMe.guilds.some((g) => g.id === sim.demo.guildId));
    assert.equal((await adminBrowser.fetch(`${hubUrl}/api/v1/jobs`)).status, 200);
    assert.equal((await adminBrowser.fetch(`${hubUrl}/api/v1/guilds/123456789012345678/tickets`)).status, 200);

    const viewerBrowser = await signInWithToken(viewer);
    const viewerMe = (await me(viewerBrowser)).data;
    assert.equal(viewerMe.role, 'viewer');
    assert.equal((await viewerBrowser.fetch(`${hubUrl}/api/v1/jobs`)).status, 200);
    const stop = await viewerBrowser.fetch(`${hubUrl}/api/v1/bot/stop`, { method: 'POST', headers: { 'x-csrf-token': viewerMe.csrfToken } });
    assert.equal(stop.status, 403);
    assert.equal(((await stop.json()) as { error: { code: string } }).error.code, 'forbidden');

    const bad = await fetch(`${hubUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'sbt_not-a-real-token' }) });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.getSetCookie().length, 0);
    const malformed = await fetch(`${hubUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 42 }) });
    assert.equal(malformed.status, 400);
    const crossSite = await fetch(`${hubUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: JSON.stringify({ token: admin }) });
    assert.equal(crossSite.status, 403);
    assert.equal((await fetch(`${hubUrl}/api/v1/me`)).status, 401, 'no session, no /me');
  });

  it('logout needs the CSRF token and ends the session; an expired session is refused and cleaned up', async () => {
    const browser = await signInWithToken(admin);
    const { csrfToken } = (await me(browser)).data;
    const stolenCookie = browser.cookies.get('switchboard-session')!;
    assert.equal((await browser.fetch(`${hubUrl}/auth/logout`, { method: 'POST' })).status, 403);
    const out = await browser.fetch(`${hubUrl}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': csrfToken } });
    assert.equal(out.status, 204);
    assert.ok(!browser.cookies.has('switchboard-session'), 'the cookie is cleared');
    const replay = await fetch(`${hubUrl}/api/v1/me`, { headers: { cookie: `switchboard-session=${stolenCookie}` } });
    assert.equal(replay.status, 401, 'the session is gone on the server too');

    const later = await signInWithDiscord(sim.demo.ownerId);
    assert.equal((await me(later)).status, 200);
    await hub.database.db.updateTable('dashboard_sessions').set({ expires_at: Date.now() - 1 }).execute();
    const expired = await later.fetch(`${hubUrl}/api/v1/me`);
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { error: { code: string } }).error.code, 'session_expired');
    const cleanup = dashboardSessionCleanupJob(new DashboardSessions({ repository: new DashboardSessionRepository(hub.database.db), encryptionKey: Buffer.alloc(32) }));
    const result = await cleanup.run({ now: Date.now(), signal: new AbortController().signal });
    assert.match(result?.summary ?? '', /deleted [1-9]\d* expired dashboard sessions/);
    const left = await hub.database.db.selectFrom('dashboard_sessions').select('id').where('expires_at', '<=', Date.now()).execute();
    assert.equal(left.length, 0, 'the cleanup job deleted the expired sessions');
  });
});
