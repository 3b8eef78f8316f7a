import assert from 'node:assert/strict';
import { OAuthSessionStore, oauthSessionCleanupJob, type ConsumeOAuthResult } from '../../../src/modules/linking/oauth-session-store.ts';
import { hashToken } from '../../../src/modules/linking/oauth-state.ts';
import { SecretBox, generateEncryptionKey } from '../../../src/security/secret-box.ts';
import { OAuthSessionRepository } from '../../../src/storage/oauth-session-repository.ts';
import type { Kysely } from 'kysely';
import type { Tables } from '../../../src/storage/schema.ts';
import { describeEachDatabase } from '../../support/databases.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = 1_700_000_000_000;
const secrets = new SecretBox([generateEncryptionKey('k1')]);

/** The real repository, counting the statements the store asks of it. */
class CountingRepository extends OAuthSessionRepository {
  readonly calls = { consume: 0, recordRefusal: 0, addRefusals: [] as number[] };
  failNextConsume: Error | undefined;

  override async consume(input: Parameters<OAuthSessionRepository['consume']>[0]) {
    this.calls.consume++;
    const failure = this.failNextConsume;
    this.failNextConsume = undefined;
    if (failure) throw failure;
    return super.consume(input);
  }

  override async recordRefusal(stateHash: string) {
    this.calls.recordRefusal++;
    return super.recordRefusal(stateHash);
  }

  override async addRefusals(stateHash: string, counts: { replayed: number; expired: number }) {
    this.calls.addRefusals.push(counts.replayed + counts.expired);
    return super.addRefusals(stateHash, counts);
  }
}

function storeOn(db: Kysely<Tables>): OAuthSessionStore {
  return new OAuthSessionStore(new OAuthSessionRepository(db), secrets);
}

const who = { discordUserId: '111', ip: '203.0.113.9', userAgent: 'Firefox' };

describeEachDatabase('OAuth session store', ({ it, open, openAgain, dialect }) => {
  it('begins a flow storing only hashes and a sealed verifier bound to its row', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const begun = await store.begin({ ...who, platform: 'twitch', pkce: true, now: T0 });
    assert.match(begun.state, /^[A-Za-z0-9_-]{43}$/);
    assert.match(begun.browserBinding, /^[A-Za-z0-9_-]{43}$/);
    assert.match(begun.codeVerifier ?? '', /^[A-Za-z0-9_-]{43}$/);
    const rows = await database.db.selectFrom('oauth_sessions').selectAll().execute();
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    const text = JSON.stringify(rows);
    for (const secret of [begun.state, begun.browserBinding, begun.codeVerifier!]) assert.ok(!text.includes(secret), 'no secret is stored in the clear');
    assert.equal(row.id, begun.sessionId);
    assert.equal(row.state_hash, hashToken(begun.state));
    assert.equal(row.browser_binding_hash, hashToken(begun.browserBinding));
    assert.equal(Number(row.created_at), T0);
    assert.equal(Number(row.expires_at), T0 + 10 * MINUTE);
    assert.equal(row.used_at, null);
    assert.equal(secrets.decrypt(row.code_verifier!, { table: 'oauth_sessions', column: 'code_verifier', rowId: begun.sessionId }), begun.codeVerifier);
    assert.throws(() => secrets.decrypt(row.code_verifier!, { table: 'oauth_sessions', column: 'code_verifier', rowId: 'another-row' }));
  });

  it('issues no verifier without PKCE and honours a custom lifetime', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const begun = await store.begin({ ...who, platform: 'kick', pkce: false, now: T0, ttlMs: MINUTE });
    assert.equal(begun.codeVerifier, null);
    const row = await database.db.selectFrom('oauth_sessions').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.code_verifier, null);
    assert.equal(Number(row.expires_at), T0 + MINUTE);
    await assert.rejects(store.begin({ ...who, platform: 'kick', pkce: false, now: T0, ttlMs: 0 }), RangeError);
  });

  it('consumes once, returning the member and the verifier, then refuses the replay', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const begun = await store.begin({ ...who, platform: 'youtube', pkce: true, now: T0 });
    const callback = { state: begun.state, browserBinding: begun.browserBinding, platform: 'youtube' as const, ip: '198.51.100.1' };
    assert.deepEqual(await store.consume({ ...callback, now: T0 + MINUTE }), {
      ok: true,
      session: { sessionId: begun.sessionId, discordUserId: '111', platform: 'youtube', codeVerifier: begun.codeVerifier },
    });
    assert.deepEqual(await store.consume({ ...callback, now: T0 + 2 * MINUTE }), { ok: false, code: 'replayed', reason: 'OAuth session already used' });
    assert.deepEqual(await store.consume({ ...callback, now: T0 + 20 * MINUTE }), { ok: false, code: 'replayed', reason: 'OAuth session already used' });
    const stats = await store.stats(T0 + 3 * MINUTE);
    assert.equal(stats.replaysRefused, 2);
    assert.equal(stats.used, 1);
    assert.equal(stats.successRate, 1);
  });

  it('tells an unknown state and an expired one apart', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const begun = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    const base = { browserBinding: begun.browserBinding, platform: 'twitch' as const, ip: 'x' };
    assert.deepEqual(await store.consume({ ...base, state: 'never-issued', now: T0 }), { ok: false, code: 'unknown', reason: 'OAuth session unknown' });
    assert.deepEqual(await store.consume({ ...base, state: '', now: T0 }), { ok: false, code: 'unknown', reason: 'OAuth session unknown' });
    assert.deepEqual(await store.consume({ ...base, state: begun.state, now: T0 + 10 * MINUTE }), { ok: false, code: 'expired', reason: 'OAuth session expired' });
    assert.equal((await store.consume({ ...base, state: begun.state, now: T0 + 11 * MINUTE })).ok, false);
    const stats = await store.stats(T0 + 11 * MINUTE);
    assert.deepEqual(stats, { active: 0, used: 0, burned: 0, expired: 1, replaysRefused: 0, expiredRefused: 2, successRate: 0 });
  });

  it('refuses a callback from another browser and burns the session', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const begun = await store.begin({ ...who, platform: 'twitch', pkce: true, now: T0 });
    const stolen = await store.consume({ state: begun.state, browserBinding: 'attacker-cookie', platform: 'twitch', ip: '192.0.2.66', now: T0 + 1 });
    assert.deepEqual(stolen, { ok: false, code: 'wrong_browser', reason: 'OAuth session belongs to another browser' });
    const genuine = await store.consume({ state: begun.state, browserBinding: begun.browserBinding, platform: 'twitch', ip: who.ip, now: T0 + 2 });
    assert.deepEqual(genuine, { ok: false, code: 'replayed', reason: 'OAuth session already used' });
    const row = await database.db.selectFrom('oauth_sessions').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.failure, 'wrong_browser');
    assert.equal(row.used_ip_address, '192.0.2.66');
    const stats = await store.stats(T0 + 3);
    assert.deepEqual([stats.used, stats.burned, stats.successRate], [0, 1, 0]);
  });

  it('refuses a callback for another provider and burns the session', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const begun = await store.begin({ ...who, platform: 'twitch', pkce: true, now: T0 });
    const wrong = await store.consume({ state: begun.state, browserBinding: begun.browserBinding, platform: 'kick', ip: who.ip, now: T0 + 1 });
    assert.deepEqual(wrong, { ok: false, code: 'wrong_platform', reason: 'OAuth session is for another provider' });
    assert.equal((await store.consume({ state: begun.state, browserBinding: begun.browserBinding, platform: 'twitch', ip: who.ip, now: T0 + 2 })).ok, false);
  });

  it('of 200 concurrent callbacks with one state, exactly one succeeds', async () => {
    const database = await open();
    const handles = dialect === 'postgres' ? [database, openAgain(database)] : [database];
    const stores = handles.map((h) => storeOn(h.db));
    const begun = await stores[0]!.begin({ ...who, platform: 'discord', pkce: true, now: T0 });
    const results: ConsumeOAuthResult[] = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        stores[i % stores.length]!.consume({ state: begun.state, browserBinding: begun.browserBinding, platform: 'discord', ip: `10.0.0.${i % 250}`, now: T0 + 1_000 }),
      ),
    );
    const ok = results.filter((r) => r.ok);
    assert.equal(ok.length, 1);
    assert.equal(ok[0]!.ok && ok[0]!.session.codeVerifier, begun.codeVerifier);
    assert.ok(results.every((r) => r.ok || r.code === 'replayed'));
    // Each instance writes the refusals it counted in memory; the statistics of one see both once written.
    await Promise.all(stores.map((store) => store.flushRefusals()));
    const stats = await stores[0]!.stats(T0 + 1_000);
    assert.equal(stats.used, 1);
    assert.equal(stats.replaysRefused, 199);
  });

  it('within one instance, concurrent callbacks on one state share one claim and one refusal write', async () => {
    const database = await open();
    const repository = new CountingRepository(database.db);
    const store = new OAuthSessionStore(repository, secrets);
    const begun = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        store.consume({ state: begun.state, browserBinding: i === 0 ? begun.browserBinding : 'another-browser', platform: 'twitch', ip: `10.0.1.${i % 250}`, now: T0 + 1 }),
      ),
    );
    assert.equal(results[0]!.ok, true, 'the first callback leads and claims the session');
    assert.ok(results.slice(1).every((r) => !r.ok && r.code === 'replayed'), 'the others are refused as replays, whatever their binding');
    await store.flushRefusals();
    assert.deepEqual(repository.calls, { consume: 1, recordRefusal: 0, addRefusals: [499] });
    // A later replay is refused from memory too, and counted.
    assert.deepEqual(await store.consume({ state: begun.state, browserBinding: begun.browserBinding, platform: 'twitch', ip: 'x', now: T0 + 2 }), { ok: false, code: 'replayed', reason: 'OAuth session already used' });
    const stats = await store.stats(T0 + 3);
    assert.equal(repository.calls.consume, 1);
    assert.deepEqual([stats.used, stats.replaysRefused], [1, 500]);
  });

  it('joined callbacks share the first one\'s refusal, and a state that claimed nothing is asked again', async () => {
    const database = await open();
    const repository = new CountingRepository(database.db);
    const store = new OAuthSessionStore(repository, secrets);
    const begun = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    const late = { state: begun.state, browserBinding: begun.browserBinding, platform: 'twitch' as const, ip: 'x', now: T0 + 11 * MINUTE };
    const results = await Promise.all(Array.from({ length: 10 }, () => store.consume(late)));
    assert.ok(results.every((r) => !r.ok && r.code === 'expired'));
    assert.equal((await store.consume(late)).ok, false);
    const unknown = await Promise.all(Array.from({ length: 3 }, () => store.consume({ ...late, state: 'never-issued' })));
    assert.ok(unknown.every((r) => !r.ok && r.code === 'unknown'));
    const stats = await store.stats(late.now);
    assert.equal(stats.expiredRefused, 11);
    assert.deepEqual([repository.calls.consume, repository.calls.recordRefusal], [3, 3]);
  });

  it('when the claim fails, the callbacks that joined it fail too and the next callback asks again', async () => {
    const database = await open();
    const repository = new CountingRepository(database.db);
    const store = new OAuthSessionStore(repository, secrets);
    const begun = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    const callback = { state: begun.state, browserBinding: begun.browserBinding, platform: 'twitch' as const, ip: 'x', now: T0 + 1 };
    repository.failNextConsume = new Error('database unavailable');
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => store.consume(callback)));
    assert.ok(settled.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'database unavailable'));
    assert.equal((await store.consume(callback)).ok, true);
    assert.equal(repository.calls.consume, 2);
  });

  it('reports active, used and expired sessions and the success rate', async () => {
    const database = await open();
    const store = storeOn(database.db);
    assert.deepEqual(await store.stats(T0), { active: 0, used: 0, burned: 0, expired: 0, replaysRefused: 0, expiredRefused: 0, successRate: null });
    const a = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    const b = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0, ttlMs: MINUTE });
    await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 + 5 * MINUTE });
    for (const s of [a, b]) assert.ok((await store.consume({ state: s.state, browserBinding: s.browserBinding, platform: 'twitch', ip: 'x', now: T0 + 2 * MINUTE })).ok);
    const stats = await store.stats(T0 + 2 * MINUTE);
    assert.deepEqual(stats, { active: 1, used: 2, burned: 0, expired: 1, replaysRefused: 0, expiredRefused: 0, successRate: 2 / 3 });
  });

  it('the hourly cleanup job deletes finished sessions older than a day and keeps the rest', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const job = oauthSessionCleanupJob(store);
    assert.equal(job.intervalMs, 60 * MINUTE);
    const used = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    await store.consume({ state: used.state, browserBinding: used.browserBinding, platform: 'twitch', ip: 'x', now: T0 + 1 });
    const expired = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 });
    const longLived = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0, ttlMs: 3 * DAY });
    const recentUsed = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 + DAY });
    await store.consume({ state: recentUsed.state, browserBinding: recentUsed.browserBinding, platform: 'twitch', ip: 'x', now: T0 + DAY + 1 });
    const recentExpired = await store.begin({ ...who, platform: 'twitch', pkce: false, now: T0 + DAY });

    const result = await job.run({ now: T0 + DAY + MINUTE, signal: new AbortController().signal });
    assert.deepEqual(result, { summary: 'deleted 2 finished OAuth sessions older than a day' });
    const left = (await database.db.selectFrom('oauth_sessions').select('id').execute()).map((r) => r.id).sort();
    assert.deepEqual(left, [longLived.sessionId, recentUsed.sessionId, recentExpired.sessionId].sort());
    assert.ok(!left.includes(expired.sessionId));
    assert.ok((await store.consume({ state: longLived.state, browserBinding: longLived.browserBinding, platform: 'twitch', ip: 'x', now: T0 + DAY + 2 * MINUTE })).ok);
  });
});
