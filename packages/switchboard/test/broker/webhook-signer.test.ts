import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { activeSecrets, buildWebhookRequest, webhookSignature } from '../../src/broker/webhook-signer.ts';
import { newEventId, webhookEventJson } from '../../src/broker/webhook-event.ts';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('webhook signer', () => {
  it('builds a request that a Standard Webhooks receiver verifies', () => {
    const current = secret();
    const now = Date.now();
    const payload = { id: 'evt_1', type: 'ping', data: { text: 'héllo' } };
    const request = buildWebhookRequest({ webhookId: 'evt_1', body: JSON.stringify(payload), secrets: { current, previous: null, previousExpiresAt: null }, now });
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
    const during = buildWebhookRequest({ webhookId: 'evt_2', body: '{}', secrets: { current, previous, previousExpiresAt: now + 60_000 }, now });
    const signatures = during.headers['webhook-signature']!.split(' ');
    assert.equal(signatures.length, 2);
    assert.ok(signatures.every((s) => s.startsWith('v1,')));
    new Webhook(current).verify(during.body, during.headers);
    new Webhook(previous).verify(during.body, during.headers);

    const after = buildWebhookRequest({ webhookId: 'evt_2', body: '{}', secrets: { current, previous, previousExpiresAt: now }, now });
    assert.equal(after.headers['webhook-signature']!.split(' ').length, 1);
    new Webhook(current).verify(after.body, after.headers);
    assert.throws(() => new Webhook(previous).verify(after.body, after.headers), /No matching signature/);
  });

  it('signs byte for byte as the standardwebhooks package does, and its verifier accepts the result', () => {
    const bodies = ['{}', JSON.stringify({ text: 'héllo 👋 \u2028', lone: '\ud800', n: [1, -0.5, 1e21] }), 'x'.repeat(70_000)];
    for (const current of [secret(), `whsec_${randomBytes(1).toString('base64')}`, randomBytes(24).toString('base64')]) {
      for (const body of bodies) {
        const now = 1_700_000_000_999;
        const expected = new Webhook(current).sign('evt_x', new Date(now), body);
        assert.equal(webhookSignature(current, 'evt_x', Math.floor(now / 1000), body), expected);
        const request = buildWebhookRequest({ webhookId: 'evt_x', body, secrets: { current, previous: null, previousExpiresAt: null }, now });
        assert.equal(request.headers['webhook-signature'], expected);
        // The verifier refuses an old timestamp, so it checks a request signed now.
        const fresh = buildWebhookRequest({ webhookId: 'evt_x', body, secrets: { current, previous: null, previousExpiresAt: null }, now: Date.now() });
        assert.doesNotThrow(() => new Webhook(current).verify(body, fresh.headers, { jsonParse: false }));
      }
    }
  });

  it('sends the body as it is, signed byte for byte', () => {
    const secrets = { current: secret(), previous: null, previousExpiresAt: null };
    const now = Date.now();
    const given = buildWebhookRequest({ webhookId: 'evt_3', body: '{"a": 1}', secrets, now });
    assert.equal(given.body, '{"a": 1}');
    assert.deepEqual(new Webhook(secrets.current).verify(given.body, given.headers), { a: 1 });
    const compact = buildWebhookRequest({ webhookId: 'evt_3', body: '{"a":1}', secrets, now });
    assert.notEqual(compact.headers['webhook-signature'], given.headers['webhook-signature']);
  });

  it('refuses a secret that is not base64, naming the problem', () => {
    assert.throws(() => webhookSignature('whsec_', 'evt_1', 1, '{}'), /signing secret is empty/);
    assert.throws(() => webhookSignature('whsec_not base64!', 'evt_1', 1, '{}'), /signing secret is not `whsec_` followed by base64/);
    assert.throws(() => webhookSignature('whsec_abc', 'evt_1', 1, '{}'), /not `whsec_` followed by base64/);
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
    const body = JSON.parse(webhookEventJson({ id: 'evt_9', type: 'message.create', appId: 'app-1', guildId: '42', createdAt: Date.UTC(2025, 0, 2, 3, 4, 5, 6), data: '{"content":"hi"}' })) as object;
    assert.deepEqual(body, { id: 'evt_9', type: 'message.create', appId: 'app-1', guildId: '42', createdAt: '2025-01-02T03:04:05.006Z', data: { content: 'hi' } });
    assert.deepEqual(Object.keys(body), ['id', 'type', 'appId', 'guildId', 'createdAt', 'data']);
  });

  it('serialises to the same text as JSON.stringify of the body, from the stored data text', () => {
    const datas: unknown[] = [{}, { content: 'hi "there"\n', nested: { a: [1, 2.5, -0, 1e-7, null, true] } }, { text: 'héllo 👋 \u2028 \ud800', '2': 'x', b: 'y' }, [], 'text'];
    for (const [i, data] of datas.entries()) {
      for (const guildId of ['42', null]) {
        const createdAt = Date.UTC(2025, 0, 2, 3, 4, 5, i);
        const event = { id: `evt_${i}`, type: 'message.create', appId: 'app "quoted"', guildId, createdAt, data: JSON.stringify(data) };
        const body = { id: event.id, type: event.type, appId: event.appId, guildId, createdAt: new Date(createdAt).toISOString(), data: JSON.parse(event.data) as unknown };
        const json = webhookEventJson(event);
        assert.equal(json, JSON.stringify(body));
        assert.deepEqual(JSON.parse(json), body);
      }
    }
  });

  it('makes unique event ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newEventId()));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^evt_[0-9a-f]{32}$/);
  });
});
