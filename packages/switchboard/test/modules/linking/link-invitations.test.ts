/** One-time links on both databases: redeemed once, refused when used or expired, one winner among 50 concurrent redeems, cleanup. */
import assert from 'node:assert/strict';
import { LinkInvitations, LINK_INVITATION_TTL_MS } from '../../../src/modules/linking/link-invitations.ts';
import { hashToken } from '../../../src/modules/linking/oauth-state.ts';
import { LinkInvitationRepository } from '../../../src/storage/link-invitation-repository.ts';
import { describeEachDatabase } from '../../support/databases.ts';

const MEMBER = '123456789012345678';
const T0 = Date.UTC(2026, 0, 1);

describeEachDatabase('link invitations', ({ it, open, openAgain }) => {
  it('issues a random token, stores only its hash, and redeems it exactly once', async () => {
    const db = await open();
    const invitations = new LinkInvitations(new LinkInvitationRepository(db.db));
    const issued = await invitations.issue(MEMBER, 'twitch', T0);
    assert.match(issued.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.expiresAt, T0 + LINK_INVITATION_TTL_MS);
    const rows = await db.db.selectFrom('link_invitations').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.token_hash, hashToken(issued.token));
    assert.ok(!JSON.stringify(rows).includes(issued.token), 'the token itself is not stored');

    assert.deepEqual(await invitations.redeem(issued.token, T0 + 1_000), { ok: true, discordUserId: MEMBER, platform: 'twitch' });
    assert.deepEqual(await invitations.redeem(issued.token, T0 + 2_000), { ok: false, code: 'used' });
    assert.deepEqual(await invitations.redeem('not-a-token', T0 + 2_000), { ok: false, code: 'unknown' });
    assert.deepEqual(await invitations.redeem('', T0 + 2_000), { ok: false, code: 'unknown' });
    await assert.rejects(invitations.issue('not a snowflake', 'twitch', T0), RangeError);
  });

  it('refuses a link after its 5 minutes, and at exactly its expiry', async () => {
    const db = await open();
    const invitations = new LinkInvitations(new LinkInvitationRepository(db.db));
    const late = await invitations.issue(MEMBER, 'kick', T0);
    assert.deepEqual(await invitations.redeem(late.token, T0 + LINK_INVITATION_TTL_MS), { ok: false, code: 'expired' });
    const justInTime = await invitations.issue(MEMBER, 'kick', T0);
    assert.equal((await invitations.redeem(justInTime.token, T0 + LINK_INVITATION_TTL_MS - 1)).ok, true);
  });

  it('of 50 concurrent redeems over two handles exactly one succeeds', async () => {
    const db = await open();
    const other = openAgain(db);
    const first = new LinkInvitations(new LinkInvitationRepository(db.db));
    const second = new LinkInvitations(new LinkInvitationRepository(other.db));
    const { token } = await first.issue(MEMBER, 'discord', T0);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? first : second).redeem(token, T0 + 10)));
    assert.equal(results.filter((r) => r.ok).length, 1);
    assert.equal(results.filter((r) => !r.ok && r.code === 'used').length, 49);
  });

  it('cleanup removes links older than a day and keeps newer ones', async () => {
    const db = await open();
    const invitations = new LinkInvitations(new LinkInvitationRepository(db.db));
    await invitations.issue(MEMBER, 'youtube', T0);
    const recent = await invitations.issue(MEMBER, 'youtube', T0 + 23 * 3_600_000);
    assert.equal(await invitations.cleanup(T0 + 24 * 3_600_000 + 1), 1);
    assert.equal((await invitations.redeem(recent.token, T0 + 23 * 3_600_000 + 1)).ok, true);
  });
});
