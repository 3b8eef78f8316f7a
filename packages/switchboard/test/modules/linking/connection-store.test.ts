import assert from 'node:assert/strict';
import { ConnectionStore } from '../../../src/modules/linking/connection-store.ts';
import { SecretBox, generateEncryptionKey } from '../../../src/security/secret-box.ts';
import { SEALED_COLUMNS } from '../../../src/security/sealed-columns.ts';
import { ConnectionRepository } from '../../../src/storage/connection-repository.ts';
import type { Kysely } from 'kysely';
import type { Tables } from '../../../src/storage/schema.ts';
import { describeEachDatabase } from '../../support/databases.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;
const secrets = new SecretBox([generateEncryptionKey('k1')]);

function storeOn(db: Kysely<Tables>, now = () => T0): ConnectionStore {
  let n = 0;
  return new ConnectionStore(new ConnectionRepository(db), secrets, { now, newId: () => `c${++n}-${Math.random().toString(36).slice(2, 8)}` });
}

const tokens = (access: string, refresh: string | null, expiresAt: number | null = T0 + 60 * MINUTE) => ({
  accessToken: access,
  refreshToken: refresh,
  expiresAt: expiresAt === null ? null : new Date(expiresAt),
  scopes: ['user:read:email', 'channel:read'],
});

const link = { discordUserId: '111', platform: 'twitch' as const, platformUserId: 'tw-1', platformUsername: 'streamer' };

describeEachDatabase('Connection store', ({ it, open }) => {
  it('seals both tokens bound to the row and column, and opens them in get', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const saved = await store.save({ ...link, tokens: tokens('access-plain-1', 'refresh-plain-1') });
    const row = await database.db.selectFrom('linked_connections').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.id, saved.id);
    assert.ok(!row.access_token.includes('access-plain-1'));
    assert.ok(row.refresh_token !== null && !row.refresh_token.includes('refresh-plain-1'));
    assert.match(row.access_token, /^v1\.k1\./);
    assert.equal(secrets.decrypt(row.access_token, { table: 'linked_connections', column: 'access_token', rowId: saved.id }), 'access-plain-1');
    assert.equal(secrets.decrypt(row.refresh_token, { table: 'linked_connections', column: 'refresh_token', rowId: saved.id }), 'refresh-plain-1');
    // Bound to its column: the access token does not open as a refresh token.
    assert.throws(() => secrets.decrypt(row.access_token, { table: 'linked_connections', column: 'refresh_token', rowId: saved.id }));
    assert.deepEqual(JSON.parse(row.scopes), ['user:read:email', 'channel:read']);
    assert.equal(Number(row.expires_at), T0 + 60 * MINUTE);
    assert.equal(Number(row.refresh_failures), 0);

    const got = await store.get('111', 'twitch');
    assert.equal(got?.accessToken, 'access-plain-1');
    assert.equal(got?.refreshToken, 'refresh-plain-1');
    assert.equal(got?.platformUsername, 'streamer');
    assert.deepEqual(got?.scopes, ['user:read:email', 'channel:read']);
    assert.equal(got?.expiresAt, T0 + 60 * MINUTE);
    assert.equal(got?.createdAt, T0);
    assert.equal(await store.get('111', 'kick'), undefined);
    assert.equal(await store.get('222', 'twitch'), undefined);
  });

  it('stores a missing refresh token and expiry as null', async () => {
    const database = await open();
    const store = storeOn(database.db);
    await store.save({ ...link, platform: 'youtube', tokens: tokens('a', null, null) });
    const got = await store.get('111', 'youtube');
    assert.equal(got?.accessToken, 'a');
    assert.equal(got?.refreshToken, null);
    assert.equal(got?.expiresAt, null);
  });

  it('upserts per member and platform: a relink replaces tokens and clears refresh state, keeping created_at', async () => {
    const database = await open();
    let now = T0;
    const store = storeOn(database.db, () => now);
    const first = await store.save({ ...link, tokens: tokens('a1', 'r1') });
    await database.db.updateTable('linked_connections').set({ needs_relink_at: T0, relink_notified_at: T0, refresh_failures: 3, next_refresh_attempt_at: T0 + MINUTE }).execute();
    now = T0 + 10 * MINUTE;
    const second = await store.save({ ...link, platformUsername: 'renamed', tokens: tokens('a2', 'r2') });
    assert.notEqual(second.id, first.id);
    const rows = await database.db.selectFrom('linked_connections').selectAll().execute();
    assert.equal(rows.length, 1);
    const got = await store.get('111', 'twitch');
    assert.equal(got?.id, second.id);
    assert.equal(got?.accessToken, 'a2');
    assert.equal(got?.refreshToken, 'r2');
    assert.equal(got?.platformUsername, 'renamed');
    assert.equal(got?.needsRelinkAt, null);
    assert.equal(got?.relinkNotifiedAt, null);
    assert.equal(got?.refreshFailures, 0);
    assert.equal(got?.nextRefreshAttemptAt, null);
    assert.equal(got?.createdAt, T0);
    assert.equal(got?.updatedAt, T0 + 10 * MINUTE);
  });

  it('lists without tokens, removes one link, and refuses an unknown platform', async () => {
    const database = await open();
    const store = storeOn(database.db);
    await store.save({ ...link, tokens: tokens('a1', 'r1') });
    await store.save({ ...link, platform: 'kick', platformUserId: 'k-1', tokens: tokens('a2', 'r2') });
    await store.save({ ...link, discordUserId: '222', tokens: tokens('a3', 'r3') });
    const listed = await store.list('111');
    assert.deepEqual(listed.map((c) => c.platform), ['kick', 'twitch']);
    for (const c of listed) {
      assert.equal('accessToken' in c, false);
      assert.equal('refreshToken' in c, false);
      assert.ok(!JSON.stringify(c).includes('v1.k1.'));
    }
    assert.equal(await store.remove('111', 'kick'), true);
    assert.equal(await store.remove('111', 'kick'), false);
    assert.deepEqual((await store.list('111')).map((c) => c.platform), ['twitch']);
    assert.equal((await store.list('222')).length, 1);
    await assert.rejects(store.save({ ...link, platform: 'myspace' as 'twitch', tokens: tokens('a', 'r') }), /unknown OAuth platform/);
  });

  it('finds connections due for refresh within the window, skipping dead grants, back-offs and those without a refresh token', async () => {
    const database = await open();
    const store = storeOn(database.db);
    await store.save({ ...link, discordUserId: 'soon', tokens: tokens('a', 'r', T0 + 10 * MINUTE) });
    await store.save({ ...link, discordUserId: 'expired', tokens: tokens('a', 'r', T0 - MINUTE) });
    await store.save({ ...link, discordUserId: 'later', tokens: tokens('a', 'r', T0 + 20 * MINUTE) });
    await store.save({ ...link, discordUserId: 'no-refresh', tokens: tokens('a', null, T0 + MINUTE) });
    await store.save({ ...link, discordUserId: 'no-expiry', tokens: tokens('a', 'r', null) });
    await store.save({ ...link, discordUserId: 'dead', tokens: tokens('a', 'r', T0 + MINUTE) });
    await store.save({ ...link, discordUserId: 'waiting', tokens: tokens('a', 'r', T0 + MINUTE) });
    await store.save({ ...link, discordUserId: 'waited', tokens: tokens('a', 'r', T0 + MINUTE) });
    await database.db.updateTable('linked_connections').set({ needs_relink_at: T0 - MINUTE }).where('discord_user_id', '=', 'dead').execute();
    await database.db.updateTable('linked_connections').set({ next_refresh_attempt_at: T0 + MINUTE }).where('discord_user_id', '=', 'waiting').execute();
    await database.db.updateTable('linked_connections').set({ next_refresh_attempt_at: T0 }).where('discord_user_id', '=', 'waited').execute();
    assert.deepEqual((await store.dueForRefresh(T0)).map((c) => c.discordUserId), ['expired', 'waited', 'soon']);
    assert.deepEqual((await store.dueForRefresh(T0, 30 * MINUTE)).map((c) => c.discordUserId), ['expired', 'waited', 'soon', 'later']);
    assert.deepEqual((await store.dueForRefresh(T0, 0)).map((c) => c.discordUserId), ['expired']);
  });

  it('makes the primary key NOT NULL and the member/platform pair unique', async () => {
    const database = await open();
    const store = storeOn(database.db);
    const saved = await store.save({ ...link, tokens: tokens('a', 'r') });
    const row = await database.db.selectFrom('linked_connections').selectAll().where('id', '=', saved.id).executeTakeFirstOrThrow();
    await assert.rejects(database.db.insertInto('linked_connections').values({ ...row, id: 'other' }).execute());
    await assert.rejects(database.db.insertInto('linked_connections').values({ ...row, platform: 'kick', id: null as unknown as string }).execute());
  });

  it('declares both token columns sealed, so that key rotation re-encrypts them', async () => {
    for (const column of ['access_token', 'refresh_token']) {
      assert.ok(SEALED_COLUMNS.some((c) => c.table === 'linked_connections' && c.column === column && c.idColumn === 'id' && c.associatedColumn === column), column);
    }
  });
});
