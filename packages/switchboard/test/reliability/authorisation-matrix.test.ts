/**
 * Reliability: the authorisation matrix. Every /api/v1 operation of the OpenAPI document × who calls it:
 * nobody → 401; another app's token → 403 on app routes; a viewer → 403 on admin routes; a guild manager of
 * another guild (a dashboard session) → 403 on a guild's routes; an admin → never 401 or 403. Who may call
 * a route comes from its `config.auth`, published in the document, so a new route is covered automatically.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { generateApiToken } from '../../src/auth/api-token.ts';
import { sessionCookieFor } from '../../src/http/cookies.ts';
import { DashboardSessions } from '../../src/http/dashboard/dashboard-sessions.ts';
import type { Hub } from '../../src/hub.ts';
import type { ApiTokenRole } from '../../src/storage/schema.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { DashboardSessionRepository } from '../../src/storage/dashboard-session-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { testHub } from '../support/hub.ts';
import { apiRoutes, fillPath, type ApiRoute } from './support/api-routes.ts';

const MANAGED_GUILD = '300000000000000001';
const OTHER_GUILD = '300000000000000002';
/** The key the test configuration encrypts with (TEST_ENCRYPTION_KEYS): dashboard CSRF tokens derive from it. */
const TEST_KEY = Buffer.alloc(32, 7);

type Caller = { name: string; headers: Record<string, string> };

async function tokenFor(hub: Hub, role: ApiTokenRole): Promise<string> {
  const material = generateApiToken();
  await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: `matrix-${role}`, role, tokenHash: material.hash, now: Date.now() });
  return material.token;
}

async function registerApp(hub: Hub, admin: string, id: string): Promise<string> {
  const response = await hub.http.inject({
    method: 'POST',
    url: '/api/v1/apps',
    headers: { authorization: `Bearer ${admin}` },
    payload: { id, name: id, callbackUrl: 'http://127.0.0.1:9/hooks', events: ['message.create'], guilds: [MANAGED_GUILD] },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ data: { token: string } }>().data.token;
}

/** An admin gets in everywhere; only a route that describes a dashboard session (GET /me) answers a token `no_session`. */
const adminMayCall = (status: number, code: string | undefined): boolean => status !== 403 && (status !== 401 || code === 'no_session');

const pathValue = (name: string): string => {
  if (name === 'id') return 'alpha';
  if (name === 'guildId') return MANAGED_GUILD;
  if (name === 'number') return '1';
  return '400000000000000001';
};

describeEachDatabase('reliability: authorisation matrix', ({ it, open }) => {
  const hubs: Hub[] = [];
  after(async () => {
    for (const hub of hubs) await hub.stop();
  });

  it('every /api/v1 route refuses whoever may not call it, and lets an admin in', async () => {
    const hub = await testHub(await open(), { APP_CALLBACKS_ALLOW_LOOPBACK: 'true' });
    hubs.push(hub);
    const admin = await tokenFor(hub, 'admin');
    const viewer = await tokenFor(hub, 'viewer');
    await registerApp(hub, admin, 'alpha');
    const beta = await registerApp(hub, admin, 'beta');
    const sessions = new DashboardSessions({ repository: new DashboardSessionRepository(hub.database.db), encryptionKey: TEST_KEY });
    const session = await sessions.open({ kind: 'discord', userId: '200000000000000009', userName: 'Other guild', avatarUrl: null, role: 'guild-manager', guildIds: [OTHER_GUILD], apiTokenId: null });
    const cookie = `${sessionCookieFor(hub.config.publicUrl).name}=${session.cookieValue}`;

    const callers = {
      nobody: { name: 'no token', headers: {} },
      otherApp: { name: "another app's token", headers: { authorization: `Bearer ${beta}` } },
      viewer: { name: 'a viewer token', headers: { authorization: `Bearer ${viewer}` } },
      otherGuildManager: { name: 'a guild manager of another guild', headers: { cookie, 'x-csrf-token': session.csrfToken } },
      admin: { name: 'an admin token', headers: { authorization: `Bearer ${admin}` } },
    } satisfies Record<string, Caller>;

    const routes = await apiRoutes(hub.http);
    const failures: string[] = [];
    let checked = 0;
    const expectStatus = async (route: ApiRoute, caller: Caller, accept: (status: number, code: string | undefined) => boolean, wanted: string) => {
      const hasBody = route.operation.requestBody !== undefined;
      const response = await hub.http.inject({
        method: route.method as 'GET',
        url: fillPath(route.template, pathValue),
        headers: { ...caller.headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        ...(hasBody ? { payload: '{}' } : {}),
      });
      checked += 1;
      const code = response.statusCode >= 400 ? (JSON.parse(response.body || '{}') as { error?: { code?: string } }).error?.code : undefined;
      if (!accept(response.statusCode, code)) failures.push(`${route.method} ${route.template} (${route.auth}) with ${caller.name}: ${response.statusCode}, expected ${wanted}`);
    };

    for (const route of routes) {
      if (route.auth === 'public') continue;
      await expectStatus(route, callers.nobody, (s) => s === 401, '401');
      if (route.auth === 'app') await expectStatus(route, callers.otherApp, (s) => s === 403, '403');
      if (route.auth === 'admin') await expectStatus(route, callers.viewer, (s) => s === 403, '403');
      if (route.template.includes(':guildId')) await expectStatus(route, callers.otherGuildManager, (s) => s === 403, '403');
      // Deletions run last for an admin, below, so that the app "alpha" exists for every other route.
      if (route.method !== 'DELETE') await expectStatus(route, callers.admin, adminMayCall, 'neither 401 nor 403');
    }
    for (const route of routes.filter((r) => r.method === 'DELETE' && r.auth !== 'public')) {
      await expectStatus(route, callers.admin, adminMayCall, 'neither 401 nor 403');
    }
    assert.deepEqual(failures, [], `${failures.length} of ${checked} checks failed`);
    assert.ok(routes.some((r) => r.auth === 'app') && routes.some((r) => r.auth === 'admin') && routes.some((r) => r.auth === 'viewer'));
  });
});
