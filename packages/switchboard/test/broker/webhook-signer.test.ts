import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { activeSecrets, buildWebhookRequest } from '../../src/broker/webhook-signer.ts';
import { newEventId, webhookEventBody } from '../../src/broker/webhook-event.ts';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('webhook signer', () => {
  it('builds a request that a Standard Webhooks receiver verifies', () => {
    const current = secret();
    const now = Date.now();
    const payload = { id: 'evt_1', type: 'ping', data: { text: 'héllo' } };
    const request = buildWebhookRequest({ webhookId: 'evt_1', payload, secrets: { current, previous: null, previousExpiresAt: null }, now });
    assert.equal(request.body, JSON.stringify(payload));
    assert.equal(request.headers['webhook-id'], 'evt_1');
    assert.equal(request.headers['webhook-timestamp'], String(Math.floor(now / 1000)));
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['user-agent'], 'Switchboard-Webhooks/1');
    assert.match(request.headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(new Webhook(current).verify(request.body, request.headers), payload);
    assert.throws(() => new Webhook(secret()).verify(request.body, request.headers), /No matching signature/);
    assert.throws(() => new Webhook(current).verify(`${request.body} `, request.headers), /No matching signature/);
  });

  it('signs with both secrets during a rotation, and only the current one after it', () => {
    const current = secret();
    const previous = secret();
    const now = Date.now();
    const during = buildWebhookRequest({ webhookId: 'evt_2', payload: {}, secrets: { current, previous, previousExpiresAt: now + 60_000 }, now });
    const signatures = during.headers['webhook-signature']!.split(' ');
    assert.equal(signatures.length, 2);
    assert.ok(signatures.every((s) => s.startsWith('v1,')));
    new Webhook(current).verify(during.body, during.headers);
    new Webhook(previous).verify(during.body, during.headers);

    const after = buildWebhookRequest({ webhookId: 'evt_2', payload: {}, secrets: { current, previous, previousExpiresAt: now }, now });
    assert.equal(after.headers['webhook-signature']!.split(' ').length, 1);
    new Webhook(current).verify(after.body, after.headers);
    assert.throws(() => new Webhook(previous).verify(after.body, after.headers), /No matching signature/);
  });

  it('picks the signing secrets by the grace period', () => {
    assert.deepEqual(activeSecrets({ current: 'a', previous: 'b', previousExpiresAt: 11 }, 10), ['a', 'b']);
    assert.deepEqual(activeSecrets({ current: 'a', previous: 'b', previousExpiresAt: 10 }, 10), ['a']);
    assert.deepEqual(activeSecrets({ current: 'a', previous: 'b', previousExpiresAt: null }, 10), ['a']);
    assert.deepEqual(activeSecrets({ current: 'a', previous: null, previousExpiresAt: 99 }, 10), ['a']);
  });
});

describe('webhook event body', () => {
  it('has the documented shape', () => {
    const body = webhookEventBody({ id: 'evt_9', type: 'message.create', appId: 'app-1', guildId: '42', createdAt: Date.UTC(2025, 0, 2, 3, 4, 5, 6), data: '{"content":"hi"}' });
    assert.deepEqual(body, { id: 'evt_9', type: 'message.create', appId: 'app-1', guildId: '42', createdAt: '2025-01-02T03:04:05.006Z', data: { content: 'hi' } });
    assert.deepEqual(Object.keys(body), ['id', 'type', 'appId', 'guildId', 'createdAt', 'data']);
  });

  it('makes unique event ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newEventId()));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^evt_[0-9a-f]{32}$/);
  });
});
