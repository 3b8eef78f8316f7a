import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { verifyTwitchEventSub } from '../../../src/modules/streams/verification/twitch-eventsub.ts';

const SECRET = 'subscription-secret-0123456789';
const NOW = Date.parse('2025-05-01T12:00:00.000Z');
const FRESH = '2025-05-01T11:59:30.123456789Z';

function sign(secret: string, id: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(id + timestamp + body).digest('hex')}`;
}

function request(type: string, body: object, opts: { id?: string; timestamp?: string; secret?: string } = {}) {
  const raw = JSON.stringify(body);
  const id = opts.id ?? 'e76c6bd4-55c9-4987-8304-da1588d8988b';
  const timestamp = opts.timestamp ?? FRESH;
  return {
    raw,
    headers: {
      'twitch-eventsub-message-id': id,
      'twitch-eventsub-message-timestamp': timestamp,
      'twitch-eventsub-message-signature': sign(opts.secret ?? SECRET, id, timestamp, raw),
      'twitch-eventsub-message-type': type,
    },
  };
}

const online = {
  subscription: { id: 'sub-1', type: 'stream.online', version: '1', status: 'enabled' },
  event: { id: '9001', broadcaster_user_id: '1337', broadcaster_user_login: 'cool_user', type: 'live', started_at: '2025-05-01T11:59:00Z' },
};

describe('Twitch EventSub verification', () => {
  it('accepts a genuine stream.online notification and extracts the event', () => {
    const { raw, headers } = request('notification', online);
    const result = verifyTwitchEventSub({ headers, rawBody: Buffer.from(raw), secret: SECRET, now: NOW });
    assert.deepEqual(result, {
      ok: true,
      message: {
        kind: 'notification',
        messageId: 'e76c6bd4-55c9-4987-8304-da1588d8988b',
        subscriptionId: 'sub-1',
        event: { type: 'stream.online', broadcasterUserId: '1337', broadcasterUserLogin: 'cool_user', startedAt: '2025-05-01T11:59:00Z', streamId: '9001' },
      },
    });
  });

  it('extracts stream.offline and reads headers case-insensitively', () => {
    const body = { subscription: { id: 'sub-2', type: 'stream.offline' }, event: { broadcaster_user_id: '42', broadcaster_user_login: 'x' } };
    const { raw, headers } = request('notification', body);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()), v]));
    const result = verifyTwitchEventSub({ headers: upper, rawBody: raw, secret: SECRET, now: NOW });
    assert.ok(result.ok);
    assert.deepEqual(result.message.kind === 'notification' && result.message.event, { type: 'stream.offline', broadcasterUserId: '42', broadcasterUserLogin: 'x' });
  });

  it('answers the callback verification challenge as text/plain', () => {
    const { raw, headers } = request('webhook_callback_verification', { challenge: 'pogchamp-kappa-360noscope', subscription: { id: 'sub-3', type: 'stream.online' } });
    const result = verifyTwitchEventSub({ headers, rawBody: raw, secret: SECRET, now: NOW });
    assert.ok(result.ok);
    assert.equal(result.message.kind, 'challenge');
    assert.ok(result.message.kind === 'challenge');
    assert.equal(result.message.challenge, 'pogchamp-kappa-360noscope');
    assert.equal(result.message.contentType, 'text/plain');
  });

  it('reports the status of a revocation', () => {
    const { raw, headers } = request('revocation', { subscription: { id: 'sub-4', type: 'stream.online', status: 'authorization_revoked' } });
    const result = verifyTwitchEventSub({ headers, rawBody: raw, secret: SECRET, now: NOW });
    assert.ok(result.ok && result.message.kind === 'revocation');
    assert.equal(result.message.status, 'authorization_revoked');
    assert.equal(result.message.subscriptionType, 'stream.online');
  });

  it('refuses a tampered body', () => {
    const { raw, headers } = request('notification', online);
    const tampered = raw.replace('1337', '1338');
    assert.notEqual(tampered, raw);
    assert.deepEqual(verifyTwitchEventSub({ headers, rawBody: tampered, secret: SECRET, now: NOW }), { ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature made with another secret', () => {
    const { raw, headers } = request('notification', online, { secret: 'some-other-secret' });
    assert.deepEqual(verifyTwitchEventSub({ headers, rawBody: raw, secret: SECRET, now: NOW }), { ok: false, reason: 'bad_signature' });
  });

  it('refuses a changed message id (it is part of the signed text)', () => {
    const { raw, headers } = request('notification', online);
    const moved = { ...headers, 'twitch-eventsub-message-id': 'another-id' };
    assert.deepEqual(verifyTwitchEventSub({ headers: moved, rawBody: raw, secret: SECRET, now: NOW }), { ok: false, reason: 'bad_signature' });
  });

  it('refuses a correctly signed message older than ten minutes, or too far in the future', () => {
    const stale = request('notification', online, { timestamp: '2025-05-01T11:49:59.999Z' });
    assert.deepEqual(verifyTwitchEventSub({ headers: stale.headers, rawBody: stale.raw, secret: SECRET, now: NOW }), { ok: false, reason: 'stale_timestamp' });
    const future = request('notification', online, { timestamp: '2025-05-01T12:10:00.001Z' });
    assert.deepEqual(verifyTwitchEventSub({ headers: future.headers, rawBody: future.raw, secret: SECRET, now: NOW }), { ok: false, reason: 'future_timestamp' });
    const edge = request('notification', online, { timestamp: '2025-05-01T11:50:00.000Z' });
    assert.equal(verifyTwitchEventSub({ headers: edge.headers, rawBody: edge.raw, secret: SECRET, now: NOW }).ok, true);
  });

  it('refuses missing headers, malformed signatures and unknown message types', () => {
    const { raw, headers } = request('notification', online);
    const { 'twitch-eventsub-message-signature': _drop, ...unsigned } = headers;
    assert.deepEqual(verifyTwitchEventSub({ headers: unsigned, rawBody: raw, secret: SECRET, now: NOW }), { ok: false, reason: 'missing_header' });
    const sha1 = { ...headers, 'twitch-eventsub-message-signature': 'sha1=abcd' };
    assert.deepEqual(verifyTwitchEventSub({ headers: sha1, rawBody: raw, secret: SECRET, now: NOW }), { ok: false, reason: 'malformed_signature' });
    const odd = request('something_new', online);
    assert.deepEqual(verifyTwitchEventSub({ headers: odd.headers, rawBody: odd.raw, secret: SECRET, now: NOW }), { ok: false, reason: 'unknown_message_type' });
  });
});
