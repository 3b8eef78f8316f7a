import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { OAuth2Server } from 'oauth2-mock-server';
import { ConnectionStore, type LinkedConnection } from '../../../src/modules/linking/connection-store.ts';
import { OAuthProviderClient } from '../../../src/modules/linking/providers/oauth-provider-client.ts';
import { refreshBackoffMs, tokenRefreshJob, type RefreshClient } from '../../../src/modules/linking/token-refresh-job.ts';
import { SecretBox, generateEncryptionKey } from '../../../src/security/secret-box.ts';
import { ConnectionRepository } from '../../../src/storage/connection-repository.ts';
import type { Tables } from '../../../src/storage/schema.ts';
import { describeEachDatabase } from '../../support/databases.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;
const secrets = new SecretBox([generateEncryptionKey('k1')]);

type MutableResponse = { body: Record<string, unknown> | string; statusCode: number };
type Shaper = (response: MutableResponse, body: Record<string, string>) => void;

/** oauth2-mock-server, shaped per test; counts the refresh-token grants it receives. */
class MockProvider {
  readonly server = new OAuth2Server();
  refreshes: string[] = [];
  shape: Shaper = () => {};

  async start(): Promise<void> {
    await this.server.issuer.keys.generate('RS256');
    await this.server.start(0, '127.0.0.1');
    this.server.service.on('beforeResponse', (response: MutableResponse, req: { body: Record<string, string> }) => {
      if (req.body['grant_type'] === 'refresh_token') this.refreshes.push(req.body['refresh_token'] ?? '');
      if (typeof response.body === 'object') delete response.body['id_token'];
      this.shape(response, req.body);
    });
  }

  reset(): void {
    this.refreshes = [];
    this.shape = () => {};
  }

  client(): OAuthProviderClient {
    const url = this.server.issuer.url;
    assert.ok(url !== undefined);
    const providers = Object.fromEntries((['twitch', 'kick', 'discord'] as const).map((p) => [p, { clientId: `${p}-client`, clientSecret: `${p}-secret`, baseUrl: url }]));
    return new OAuthProviderClient({ providers, now: () => T0 });
  }

  /** Kick's rule: a refresh token works once and is replaced; `live` holds the ones that work. */
  rotating(live: Set<string>): void {
    this.shape = (response, body) => {
      if (typeof response.body !== 'object' || body['grant_type'] !== 'refresh_token') return;
      if (!live.delete(body['refresh_token'] ?? '')) {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant', error_description: 'refresh token revoked' };
        return;
      }
      response.body['expires_in'] = 3600;
      const issued = response.body['refresh_token'];
      if (typeof issued === 'string') live.add(issued);
    };
  }
}

const mock = new MockProvider();
before(() => mock.start());
after(() => mock.server.stop());
beforeEach(() => mock.reset());

function storeOn(db: Kysely<Tables>): ConnectionStore {
  return new ConnectionStore(new ConnectionRepository(db), secrets, { now: () => T0 });
}

async function seed(store: ConnectionStore, discordUserId: string, refreshToken: string, expiresAt: number, platform: 'kick' | 'twitch' | 'discord' = 'kick'): Promise<LinkedConnection> {
  return store.save({
    discordUserId,
    platform,
    platformUserId: `p-${discordUserId}`,
    platformUsername: `user-${discordUserId}`,
    tokens: { accessToken: `access-${discordUserId}`, refreshToken, expiresAt: new Date(expiresAt), scopes: ['user:read'] },
  });
}

const run = (job: ReturnType<typeof tokenRefreshJob>, now: number) => job.run({ now, signal: new AbortController().signal });

describeEachDatabase('Token refresh job', ({ it, open, openAgain }) => {
  it('refreshes connections expiring within 15 minutes and keeps the rotated refresh token with the new access token', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const live = new Set(['r-soon', 'r-later']);
    mock.rotating(live);
    await seed(store, 'soon', 'r-soon', T0 + 14 * MINUTE);
    await seed(store, 'later', 'r-later', T0 + 16 * MINUTE);
    const job = tokenRefreshJob(store, mock.client(), { onRelinkNeeded: () => assert.fail('no relink expected') });
    assert.equal(job.intervalMs, 5 * MINUTE);

    const result = await run(job, T0);
    assert.match(result?.summary ?? '', /^1 refreshed/);
    assert.deepEqual(mock.refreshes, ['r-soon']);
    const soon = await store.get('soon', 'kick');
    assert.ok(soon?.refreshToken !== null && soon?.refreshToken !== undefined);
    assert.notEqual(soon.refreshToken, 'r-soon');
    assert.ok(live.has(soon.refreshToken), 'the stored refresh token is the one the provider issued');
    assert.notEqual(soon.accessToken, 'access-soon');
    assert.equal(soon.expiresAt, T0 + 3600_000);
    assert.equal(soon.lastRefreshedAt, T0);
    assert.equal(soon.nextRefreshAttemptAt, null);
    assert.equal(soon.refreshFailures, 0);
    const later = await store.get('later', 'kick');
    assert.equal(later?.refreshToken, 'r-later');
    assert.equal(later?.accessToken, 'access-later');
    // The sealed row holds no plain token.
    const row = await database.db.selectFrom('linked_connections').selectAll().where('discord_user_id', '=', 'soon').executeTakeFirstOrThrow();
    assert.ok(!row.refresh_token?.includes(soon.refreshToken) && !row.access_token.includes(soon.accessToken));

    // Not due again until it nears its new expiry; then the rotated token works.
    await run(job, T0 + 30_000);
    assert.equal(mock.refreshes.length, 1);
    await run(job, T0 + 50 * MINUTE);
    // Soonest expiry first.
    assert.deepEqual(mock.refreshes, ['r-soon', 'r-later', soon.refreshToken]);
  });

  it('marks a dead grant for relinking and tells the member once', async () => {
    const database = await open();
    const store = storeOn(database.db);
    mock.shape = (response) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant' };
    };
    await seed(store, 'dead', 'r-dead', T0 + MINUTE, 'discord');
    const told: LinkedConnection[] = [];
    const job = tokenRefreshJob(store, mock.client(), { onRelinkNeeded: (c) => void told.push(c) });
    await run(job, T0);
    await run(job, T0 + 5 * MINUTE);
    await run(job, T0 + 60 * MINUTE);
    assert.equal(mock.refreshes.length, 1);
    assert.equal(told.length, 1);
    assert.equal(told[0]?.discordUserId, 'dead');
    assert.equal(told[0]?.needsRelinkAt, T0);
    assert.equal(told[0]?.relinkNotifiedAt, T0);
    const got = await store.get('dead', 'discord');
    assert.equal(got?.needsRelinkAt, T0);
    assert.equal(got?.relinkNotifiedAt, T0);
    assert.equal(got?.refreshToken, 'r-dead');
    assert.deepEqual(await store.dueForRefresh(T0 + 60 * MINUTE), []);
  });

  it('backs off transient failures 1, 2, 4 … minutes, capped at an hour, and clears the count on success', async () => {
    const database = await open();
    const store = storeOn(database.db);
    let failing = true;
    mock.shape = (response) => {
      if (!failing) return;
      response.statusCode = 503;
      response.body = { error: 'temporarily_unavailable' };
    };
    await seed(store, 'flaky', 'r-flaky', T0 + MINUTE, 'twitch');
    const job = tokenRefreshJob(store, mock.client(), { onRelinkNeeded: () => assert.fail('no relink expected') });
    let now = T0;
    for (const [failures, wait] of [[1, 1], [2, 2], [3, 4], [4, 8]] as const) {
      await run(job, now);
      const got = await store.get('flaky', 'twitch');
      assert.equal(got?.refreshFailures, failures);
      assert.equal(got?.nextRefreshAttemptAt, now + wait * MINUTE);
      // Not retried before the back-off ends.
      await run(job, now + wait * MINUTE - 1);
      assert.equal(mock.refreshes.length, failures);
      now += wait * MINUTE;
    }
    await database.db.updateTable('linked_connections').set({ refresh_failures: 9 }).execute();
    await run(job, now);
    assert.equal((await store.get('flaky', 'twitch'))?.nextRefreshAttemptAt, now + 60 * MINUTE);
    assert.deepEqual([1, 2, 3, 7, 8, 50].map(refreshBackoffMs), [1, 2, 4, 60, 60, 60].map((m) => m * MINUTE));

    failing = false;
    now += 60 * MINUTE;
    await run(job, now);
    const healed = await store.get('flaky', 'twitch');
    assert.equal(healed?.refreshFailures, 0);
    assert.equal(healed?.nextRefreshAttemptAt, null);
    assert.equal(healed?.lastRefreshedAt, now);
    assert.equal(healed?.needsRelinkAt, null);
  });

  it('refreshes each connection exactly once when two instances run the job on one database', async () => {
    const database = await open();
    const other = openAgain(database);
    const live = new Set<string>();
    mock.rotating(live);
    const storeA = storeOn(database.db);
    const storeB = storeOn(other.db);
    const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
    for (const u of users) {
      live.add(`r-${u}`);
      await seed(storeA, u, `r-${u}`, T0 + 5 * MINUTE);
    }
    // Slow the provider so that both instances are inside their runs together.
    const client = mock.client();
    let calls = 0;
    const slow: RefreshClient = {
      async refresh(platform, token) {
        calls++;
        await sleep(20);
        return client.refresh(platform, token);
      },
    };
    const relinks: string[] = [];
    const options = { onRelinkNeeded: (c: LinkedConnection) => void relinks.push(c.discordUserId) };
    const [a, b] = await Promise.all([run(tokenRefreshJob(storeA, slow, options), T0), run(tokenRefreshJob(storeB, slow, options), T0)]);
    assert.equal(calls, users.length, `${a?.summary} / ${b?.summary}`);
    assert.deepEqual([...mock.refreshes].sort(), users.map((u) => `r-${u}`).sort());
    assert.deepEqual(relinks, []);
    for (const u of users) {
      const got = await storeB.get(u, 'kick');
      assert.ok(got?.refreshToken !== null && got?.refreshToken !== undefined && live.has(got.refreshToken), u);
      assert.equal(got.expiresAt, T0 + 3600_000);
    }
  });
});
