import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { joinTokenKey, signJoinToken, verifyJoinToken } from '../../../src/modules/meetings/join-token.ts';

const key = joinTokenKey(Buffer.alloc(32, 3));
const claims = { meetingId: 'm-1', guildId: '111111111111111111', userId: '222222222222222222', role: 'participant' } as const;

describe('meeting join tokens', () => {
  it('a fresh token opens with its claims', async () => {
    const now = Date.now();
    const token = await signJoinToken(key, claims, now);
    assert.deepEqual(await verifyJoinToken(key, token, now + 60_000), { ok: true, claims });
  });

  it('expired after its lifetime', async () => {
    const now = Date.now();
    const token = await signJoinToken(key, claims, now, 60);
    assert.deepEqual(await verifyJoinToken(key, token, now + 61_000), { ok: false, reason: 'expired' });
  });

  it('forged: another key, a changed payload, another algorithm, garbage', async () => {
    const now = Date.now();
    const other = await signJoinToken(joinTokenKey(Buffer.alloc(32, 4)), claims, now);
    assert.deepEqual(await verifyJoinToken(key, other, now), { ok: false, reason: 'invalid' });
    const [header, , signature] = (await signJoinToken(key, claims, now)).split('.');
    const payload = Buffer.from(JSON.stringify({ mid: 'm-2', rol: 'moderator', gid: claims.guildId, sub: claims.userId, iss: 'switchboard', aud: 'switchboard:meeting-join', iat: 1, exp: 9_999_999_999 })).toString('base64url');
    assert.deepEqual(await verifyJoinToken(key, `${header}.${payload}.${signature}`, now), { ok: false, reason: 'invalid' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    assert.deepEqual(await verifyJoinToken(key, none, now), { ok: false, reason: 'invalid' });
    assert.deepEqual(await verifyJoinToken(key, 'not-a-token', now), { ok: false, reason: 'invalid' });
    const wrongAudience = await new SignJWT({ mid: 'm-1', gid: claims.guildId, rol: 'participant' }).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.userId).setIssuer('switchboard').setAudience('elsewhere').setIssuedAt().setExpirationTime('5m').sign(key);
    assert.deepEqual(await verifyJoinToken(key, wrongAudience, now), { ok: false, reason: 'invalid' });
  });
});
