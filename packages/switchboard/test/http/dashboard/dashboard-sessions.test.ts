/**
 * Dashboard sessions on each database: only the cookie's hash is stored, the CSRF token is bound to the
 * cookie, sessions expire after their time and are cleaned up, a revoked token ends its sessions; and without
 * DISCORD_CLIENT_ID the Discord button explains what is missing while token sign-in still works.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import { DashboardSessions, DASHBOARD_SESSION_TTL_MS } from '../../../src/http/dashboard/dashboard-sessions.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { DashboardSessionRepository } from '../../../src/storage/dashboard-session-repository.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';

const manager = { kind: 'discord' as const, userId: '200000000000000001', userName: 'Ada', avatarUrl: null, role: 'guild-manager' as const, guildIds: ['300000000000000001'], apiTokenId: null };

describeEachDatabase('dashboard sessions', ({ it, open }) => {
  it('stores only the hash; the CSRF token fits its own cookie only; expiry and cleanup', async () => {
    const database = await open();
    let now = 1_000_000;
    const sessions = new DashboardSessions({ repository: new DashboardSessionRepository(database.db), encryptionKey: Buffer.alloc(32, 3), now: () => now });
    const opened = await sessions.open(manager);
    assert.equal(opened.maxAgeSeconds, 8 * 60 * 60);
    const row = await database.db.selectFrom('dashboard_sessions').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.token_hash, createHash('sha256').update(opened.cookieValue).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(opened.cookieValue), 'the cookie value itself is not stored');
    assert.deepEqual((await sessions.find(opened.cookieValue))?.guildIds, manager.guildIds);

    const other = await sessions.open(manager);
    assert.equal(sessions.csrfValid(opened.cookieValue, opened.csrfToken), true);
    assert.equal(sessions.csrfValid(opened.cookieValue, other.csrfToken), false);
    assert.equal(sessions.csrfValid(opened.cookieValue, undefined), false);
    assert.equal(sessions.csrfValid(opened.cookieValue, ''), false);
    const elsewhere = new DashboardSessions({ repository: new DashboardSessionRepository(database.db), encryptionKey: Buffer.alloc(32, 4) });
    assert.notEqual(elsewhere.csrfToken(opened.cookieValue), opened.csrfToken, 'the token depends on the encryption key');

    assert.equal(await sessions.find('not-a-session'), undefined);
    now += DASHBOARD_SESSION_TTL_MS - 1;
    assert.ok(await sessions.find(opened.cookieValue), 'still valid just before 8 hours');
    now += 1;
    assert.equal(await sessions.find(opened.cookieValue), undefined, 'expired at 8 hours');
    assert.equal(await sessions.deleteExpired(), 2);
    assert.equal((await database.db.selectFrom('dashboard_sessions').select('id').execute()).length, 0);
  });

  it('revoking the operator token ends the sessions opened with it; closing ends one session', async () => {
    const database = await open();
    const tokens = new ApiTokenRepository(database.db);
    const material = generateApiToken();
    await tokens.create({ id: material.id, name: 'ops', role: 'admin', tokenHash: material.hash, now: Date.now() });
    const sessions = new DashboardSessions({ repository: new DashboardSessionRepository(database.db), encryptionKey: Buffer.alloc(32, 3) });
    const byToken = await sessions.open({ kind: 'token', userId: null, userName: 'ops', avatarUrl: null, role: 'admin', guildIds: [], apiTokenId: material.id });
    const byDiscord = await sessions.open(manager);
    assert.equal((await sessions.find(byToken.cookieValue))?.role, 'admin');
    await tokens.revoke('ops', Date.now());
    assert.equal(await sessions.find(byToken.cookieValue), undefined);
    assert.ok(await sessions.find(byDiscord.cookieValue));
    assert.equal(await sessions.close(byDiscord.cookieValue), true);
    assert.equal(await sessions.find(byDiscord.cookieValue), undefined);
    assert.equal(await sessions.close(byDiscord.cookieValue), false);
  });

  it('without DISCORD_CLIENT_ID the Discord button answers what is missing; token sign-in still works', async () => {
    const hub = await testHub(await open(), { PUBLIC_URL: 'https://switchboard.example.com' });
    try {
      const page = await hub.http.inject({ method: 'GET', url: '/auth/discord/login' });
      assert.equal(page.statusCode, 503);
      assert.match(page.body, /DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET/);
      assert.match(page.headers['content-type'] as string, /text\/html/);
      const material = generateApiToken();
      await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'viewer', role: 'viewer', tokenHash: material.hash, now: Date.now() });
      const signedIn = await hub.http.inject({ method: 'POST', url: '/auth/token', payload: { token: material.token } });
      assert.equal(signedIn.statusCode, 204);
      const cookie = String(signedIn.headers['set-cookie']);
      // On https the cookie is __Host- prefixed and Secure.
      assert.match(cookie, /^__Host-switchboard-session=[\w-]+; Max-Age=28800; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
      const me = await hub.http.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: cookie.split(';')[0]! } });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().data.role, 'viewer');
    } finally {
      await hub.stop();
    }
  });
});
