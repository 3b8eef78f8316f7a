import assert from 'node:assert/strict';
import { OAuthSessionRepository, type NewOAuthSession } from '../../src/storage/oauth-session-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';

function session(overrides: Partial<NewOAuthSession> = {}): NewOAuthSession {
  return {
    id: 's1',
    stateHash: 'state-1',
    browserBindingHash: 'binding-1',
    discordUserId: 'u1',
    platform: 'twitch',
    sealedCodeVerifier: null,
    ipAddress: '203.0.113.1',
    userAgent: 'test',
    createdAt: 1_000,
    expiresAt: 2_000,
    ...overrides,
  };
}

describeEachDatabase('OAuth session repository', ({ it, open }) => {
  it('refuses a second session with the same state hash and a null id', async () => {
    const database = await open();
    const repository = new OAuthSessionRepository(database.db);
    await repository.insert(session());
    await assert.rejects(repository.insert(session({ id: 's2' })));
    await assert.rejects(database.db.insertInto('oauth_sessions').values({ ...rowOf(session({ stateHash: 'other' })), id: null as unknown as string }).execute());
    assert.equal((await database.db.selectFrom('oauth_sessions').select('id').execute()).length, 1);
  });

  it('claims a session once, and not after it expires', async () => {
    const database = await open();
    const repository = new OAuthSessionRepository(database.db);
    await repository.insert(session());
    await repository.insert(session({ id: 's2', stateHash: 'state-2' }));
    const claim = { browserBindingHash: 'binding-1', platform: 'twitch' as const, ip: '198.51.100.7' };
    const first = await repository.consume({ ...claim, stateHash: 'state-1', now: 1_500 });
    assert.equal(first?.id, 's1');
    assert.equal(first?.usedAt, 1_500);
    assert.equal(first?.usedIpAddress, '198.51.100.7');
    assert.equal(first?.failure, null);
    assert.equal(await repository.consume({ ...claim, stateHash: 'state-1', now: 1_501 }), undefined);
    assert.equal(await repository.consume({ ...claim, stateHash: 'state-2', now: 2_000 }), undefined, 'expires_at is exclusive');
    assert.equal((await repository.findByStateHash('state-2'))?.usedAt, null);
  });

  it('burns a session presented with the wrong binding or provider, saying which', async () => {
    const database = await open();
    const repository = new OAuthSessionRepository(database.db);
    await repository.insert(session());
    await repository.insert(session({ id: 's2', stateHash: 'state-2' }));
    const browser = await repository.consume({ stateHash: 'state-1', browserBindingHash: 'other', platform: 'twitch', ip: 'x', now: 1_100 });
    assert.equal(browser?.failure, 'wrong_browser');
    const platform = await repository.consume({ stateHash: 'state-2', browserBindingHash: 'binding-1', platform: 'kick', ip: 'x', now: 1_100 });
    assert.equal(platform?.failure, 'wrong_platform');
    assert.equal((await repository.findByStateHash('state-1'))?.usedAt, 1_100);
    assert.equal((await repository.findByStateHash('state-2'))?.usedAt, 1_100);
  });

  it('classifies and counts refusals on the row', async () => {
    const database = await open();
    const repository = new OAuthSessionRepository(database.db);
    await repository.insert(session());
    await repository.insert(session({ id: 's2', stateHash: 'state-2' }));
    await repository.consume({ stateHash: 'state-1', browserBindingHash: 'binding-1', platform: 'twitch', ip: 'x', now: 1_100 });
    assert.equal((await repository.recordRefusal('state-1'))?.kind, 'replayed');
    assert.equal((await repository.recordRefusal('state-1'))?.kind, 'replayed');
    assert.equal((await repository.recordRefusal('state-2'))?.kind, 'expired');
    assert.equal(await repository.recordRefusal('nope'), undefined);
    const one = await repository.findByStateHash('state-1');
    const two = await repository.findByStateHash('state-2');
    assert.deepEqual([one?.refusedReplays, one?.refusedExpired, two?.refusedReplays, two?.refusedExpired], [2, 0, 0, 1]);
    assert.deepEqual(await repository.counts(1_200), { active: 1, used: 1, burned: 0, expired: 0, replaysRefused: 2, expiredRefused: 1 });
    assert.deepEqual(await repository.counts(2_000), { active: 0, used: 1, burned: 0, expired: 1, replaysRefused: 2, expiredRefused: 1 });
  });

  it('adds refusals counted elsewhere in one statement, to the named row only', async () => {
    const database = await open();
    const repository = new OAuthSessionRepository(database.db);
    await repository.insert(session());
    await repository.insert(session({ id: 's2', stateHash: 'state-2' }));
    await repository.recordRefusal('state-1');
    await repository.addRefusals('state-1', { replayed: 0, expired: 1 });
    await repository.addRefusals('state-1', { replayed: 499, expired: 0 });
    await repository.addRefusals('nope', { replayed: 3, expired: 3 });
    const one = await repository.findByStateHash('state-1');
    const two = await repository.findByStateHash('state-2');
    assert.deepEqual([one?.refusedReplays, one?.refusedExpired, two?.refusedReplays, two?.refusedExpired], [499, 2, 0, 0]);
    await assert.rejects(repository.addRefusals('state-1', { replayed: -1, expired: 0 }), /replayed must be a whole number/);
    await assert.rejects(repository.addRefusals('state-1', { replayed: 0, expired: 0.5 }), /expired must be a whole number/);
  });

  it('counts an empty table as zeros', async () => {
    const database = await open();
    assert.deepEqual(await new OAuthSessionRepository(database.db).counts(5), { active: 0, used: 0, burned: 0, expired: 0, replaysRefused: 0, expiredRefused: 0 });
  });
});

function rowOf(s: NewOAuthSession) {
  return {
    id: s.id,
    state_hash: s.stateHash,
    browser_binding_hash: s.browserBindingHash,
    discord_user_id: s.discordUserId,
    platform: s.platform,
    code_verifier: s.sealedCodeVerifier,
    ip_address: s.ipAddress,
    user_agent: s.userAgent,
    created_at: s.createdAt,
    expires_at: s.expiresAt,
    used_at: null,
    used_ip_address: null,
    failure: null,
    refused_replays: 0,
    refused_expired: 0,
  };
}
