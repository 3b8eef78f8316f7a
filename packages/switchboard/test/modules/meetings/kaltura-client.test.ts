/** KS v2 made locally and the Kaltura client, against the fake that decrypts and checks every KS. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KalturaClient, KalturaError } from '../../../src/modules/meetings/kaltura/kaltura-client.ts';
import { createKalturaSession, KS_TYPE, parsePrivileges } from '../../../src/modules/meetings/kaltura/kaltura-session.ts';
import { startKalturaFake, type KalturaFake } from '../../support/kaltura-fake.ts';

describe('Kaltura sessions and client', () => {
  let fake: KalturaFake;
  const client = () => new KalturaClient({ serviceUrl: fake.url, partnerId: fake.partnerId, adminSecret: fake.adminSecret, timeoutMs: 2_000 });
  before(async () => {
    fake = await startKalturaFake();
  });
  after(async () => fake?.close());

  it('parses privileges as Kaltura writes them', () => {
    assert.deepEqual(parsePrivileges('eventSessionContextId:12, role:viewerRole,,*,disableentitlement'), [
      ['eventSessionContextId', '12'],
      ['role', 'viewerRole'],
      ['all', '*'],
      ['disableentitlement', ''],
    ]);
  });

  it('a KS made here opens with the secret: checksum, partner, expiry, type, user and privileges', () => {
    const now = Date.now();
    const ks = createKalturaSession({ adminSecret: fake.adminSecret, partnerId: fake.partnerId, userId: 'ada@discord', type: KS_TYPE.user, expirySeconds: 300, privileges: 'eventSessionContextId:77,role:adminRole', now });
    assert.match(ks, /^[A-Za-z0-9_=-]+$/, 'URL-safe');
    const decoded = fake.decodeKs(ks);
    assert.equal(decoded.partnerId, fake.partnerId);
    assert.equal(decoded.type, 0);
    assert.equal(decoded.userId, 'ada@discord');
    assert.equal(decoded.expiresAt, Math.floor(now / 1000) + 300);
    assert.deepEqual(decoded.privileges, { eventSessionContextId: '77', role: 'adminRole' });
    const again = createKalturaSession({ adminSecret: fake.adminSecret, partnerId: fake.partnerId, userId: 'ada@discord', type: KS_TYPE.user, expirySeconds: 300, privileges: 'eventSessionContextId:77,role:adminRole', now });
    assert.notEqual(again, ks, 'a fresh random prefix each time');
  });

  it('a KS with the wrong secret, an old expiry or a flipped byte is refused by the fake', () => {
    const base = { partnerId: fake.partnerId, userId: 'u', type: KS_TYPE.admin, expirySeconds: 60, privileges: '' } as const;
    assert.throws(() => fake.decodeKs(createKalturaSession({ ...base, adminSecret: 'not-the-secret', now: Date.now() })), /checksum/);
    assert.throws(() => fake.decodeKs(createKalturaSession({ ...base, adminSecret: fake.adminSecret, now: Date.now() - 3_600_000 })), /expired/);
    const ks = Buffer.from(createKalturaSession({ ...base, adminSecret: fake.adminSecret, now: Date.now() }).replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    ks[ks.length - 20] = ks[ks.length - 20]! ^ 0x01;
    assert.throws(() => fake.decodeKs(ks.toString('base64')), /checksum|format|whole/);
  });

  it('refuses reserved privilege names and bad numbers', () => {
    const base = { adminSecret: 's', partnerId: 1, userId: 'u', type: KS_TYPE.user, expirySeconds: 60, now: Date.now() } as const;
    assert.throws(() => createKalturaSession({ ...base, privileges: '_e:1' }), /reserved/);
    assert.throws(() => createKalturaSession({ ...base, privileges: '', partnerId: 0 }), /partnerId/);
    assert.throws(() => createKalturaSession({ ...base, privileges: '', expirySeconds: 0 }), /expirySeconds/);
  });

  it('creates a room tagged vcprovider:newrow with an event, and cancels the event', async () => {
    const kaltura = client();
    const roomId = await kaltura.createRoom({ name: 'Weekly sync', description: 'meeting', tags: ['vcprovider:newrow'] });
    assert.equal(fake.rooms.get(roomId)?.tags, 'vcprovider:newrow');
    const start = Date.now();
    const eventId = await kaltura.createEvent(roomId, { summary: 'Weekly sync', startDate: start, endDate: start + 3_600_000 });
    assert.deepEqual(fake.events.get(eventId)?.resourceIds, [roomId]);
    assert.equal(fake.events.get(eventId)?.startDate, Math.floor(start / 1000));
    await kaltura.cancelEvent(eventId);
    assert.equal(fake.events.get(eventId)?.status, 'cancelled');
    await kaltura.deleteRoom(roomId);
    assert.equal(fake.rooms.get(roomId)?.deleted, true);
  });

  it('a wrong admin secret is refused with Kaltura\'s error, not retried as transient', async () => {
    const kaltura = new KalturaClient({ serviceUrl: fake.url, partnerId: fake.partnerId, adminSecret: 'wrong-secret-entirely' });
    await assert.rejects(kaltura.createRoom({ name: 'x', description: '', tags: [] }), (error: unknown) => {
      assert.ok(error instanceof KalturaError);
      assert.equal(error.code, 'INVALID_KS');
      assert.equal(error.transient, false);
      return true;
    });
  });

  it('Kaltura down or failing: a KalturaError that says so', async () => {
    const kaltura = client();
    fake.setMode('down');
    await assert.rejects(kaltura.createRoom({ name: 'x', description: '', tags: [] }), (error: unknown) => error instanceof KalturaError && error.transient && error.code === 'UNREACHABLE');
    fake.setMode('error');
    await assert.rejects(kaltura.createRoom({ name: 'x', description: '', tags: [] }), (error: unknown) => error instanceof KalturaError && /Internal server error/.test(error.message));
    fake.setMode('ok');
  });

  it('reuses its admin KS until shortly before it expires', async () => {
    let now = Date.now();
    const seen: string[] = [];
    const kaltura = new KalturaClient({
      serviceUrl: fake.url,
      partnerId: fake.partnerId,
      adminSecret: fake.adminSecret,
      now: () => now,
      fetch: async (url, init) => {
        seen.push((JSON.parse(String(init?.body)) as { ks: string }).ks);
        return fetch(url, init);
      },
    });
    await kaltura.createRoom({ name: 'a', description: '', tags: [] });
    await kaltura.createRoom({ name: 'b', description: '', tags: [] });
    now += 56 * 60_000;
    await kaltura.createRoom({ name: 'c', description: '', tags: [] });
    assert.equal(seen[0], seen[1]);
    assert.notEqual(seen[2], seen[1]);
  });
});
