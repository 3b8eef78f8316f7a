import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { verifyKickWebhook } from '../../../src/modules/streams/verification/kick-webhook.ts';

const kick = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KICK_PEM = kick.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const NOW = Date.parse('2025-05-01T12:00:00Z');

function request(body: object, opts: { privateKey?: typeof kick.privateKey; timestamp?: string; type?: string } = {}) {
  const raw = JSON.stringify(body);
  const id = '01JTCS2M0H6KXQ0Q7Z2S5C3V4B';
  const timestamp = opts.timestamp ?? '2025-05-01T11:59:58Z';
  const signer = createSign('sha256');
  signer.update(`${id}.${timestamp}.${raw}`);
  return {
    raw,
    headers: {
      'Kick-Event-Message-Id': id,
      'Kick-Event-Subscription-Id': 'sub-kick-1',
      'Kick-Event-Signature': signer.sign(opts.privateKey ?? kick.privateKey, 'base64'),
      'Kick-Event-Message-Timestamp': timestamp,
      'Kick-Event-Type': opts.type ?? 'livestream.status.updated',
      'Kick-Event-Version': '1',
    },
  };
}

const live = { broadcaster: { is_anonymous: false, user_id: 123456789, username: 'streamer', channel_slug: 'streamer' }, is_live: true, title: 'Hello', started_at: '2025-05-01T11:59:00Z', ended_at: null };

describe('Kick webhook verification', () => {
  it('accepts a genuine livestream.status.updated event', () => {
    const { raw, headers } = request(live);
    assert.deepEqual(verifyKickWebhook({ headers, rawBody: Buffer.from(raw), publicKeyPem: KICK_PEM, now: NOW }), {
      ok: true,
      messageId: '01JTCS2M0H6KXQ0Q7Z2S5C3V4B',
      subscriptionId: 'sub-kick-1',
      event: { type: 'livestream.status.updated', isLive: true, broadcasterUserId: '123456789', broadcasterChannelSlug: 'streamer', title: 'Hello', startedAt: '2025-05-01T11:59:00Z', endedAt: undefined },
    });
  });

  it('reports is_live false when the stream ends', () => {
    const { raw, headers } = request({ ...live, is_live: false, ended_at: '2025-05-01T11:59:50Z' });
    const result = verifyKickWebhook({ headers, rawBody: raw, publicKeyPem: KICK_PEM });
    assert.ok(result.ok && result.event.type === 'livestream.status.updated');
    assert.equal(result.event.isLive, false);
    assert.equal(result.event.endedAt, '2025-05-01T11:59:50Z');
  });

  it('refuses a tampered body', () => {
    const { raw, headers } = request(live);
    const tampered = raw.replace('"is_live":true', '"is_live":false');
    assert.notEqual(tampered, raw);
    assert.deepEqual(verifyKickWebhook({ headers, rawBody: tampered, publicKeyPem: KICK_PEM }), { ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature made with another key', () => {
    const { raw, headers } = request(live, { privateKey: other.privateKey });
    assert.deepEqual(verifyKickWebhook({ headers, rawBody: raw, publicKeyPem: KICK_PEM }), { ok: false, reason: 'bad_signature' });
  });

  it('refuses a garbled signature, a missing header and an unusable key', () => {
    const { raw, headers } = request(live);
    assert.deepEqual(verifyKickWebhook({ headers: { ...headers, 'Kick-Event-Signature': 'not base64!' }, rawBody: raw, publicKeyPem: KICK_PEM }), { ok: false, reason: 'malformed_signature' });
    assert.deepEqual(verifyKickWebhook({ headers: { ...headers, 'Kick-Event-Signature': 'AAAA' }, rawBody: raw, publicKeyPem: KICK_PEM }), { ok: false, reason: 'bad_signature' });
    const { 'Kick-Event-Message-Id': _drop, ...noId } = headers;
    assert.deepEqual(verifyKickWebhook({ headers: noId, rawBody: raw, publicKeyPem: KICK_PEM }), { ok: false, reason: 'missing_header' });
    assert.deepEqual(verifyKickWebhook({ headers, rawBody: raw, publicKeyPem: 'not a key' }), { ok: false, reason: 'bad_public_key' });
  });

  it('refuses a stale timestamp when a clock is given', () => {
    const { raw, headers } = request(live, { timestamp: '2025-05-01T11:40:00Z' });
    assert.deepEqual(verifyKickWebhook({ headers, rawBody: raw, publicKeyPem: KICK_PEM, now: NOW }), { ok: false, reason: 'stale_timestamp' });
  });

  it('passes other signed event types through as unsupported', () => {
    const { raw, headers } = request({ message_id: 'x' }, { type: 'chat.message.sent' });
    assert.deepEqual(verifyKickWebhook({ headers, rawBody: raw, publicKeyPem: KICK_PEM }), { ok: true, messageId: '01JTCS2M0H6KXQ0Q7Z2S5C3V4B', subscriptionId: 'sub-kick-1', event: { type: 'unsupported', eventType: 'chat.message.sent' } });
  });
});
