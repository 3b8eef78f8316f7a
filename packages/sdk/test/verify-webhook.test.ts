import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { ReplayGuard, verifyWebhook, isKnownEvent } from '../src/index.ts';
import { eventBody, newSecret, signedHeaders } from './support/signing.ts';

const secret = newSecret();
const body = eventBody('message.create', { id: '900', channel_id: '200', content: 'hi' });

function reasonOf(result: ReturnType<typeof verifyWebhook>): string {
  return result.ok ? 'ok' : result.reason;
}

test('a webhook signed by the hub is accepted and its event returned', () => {
  const result = verifyWebhook(secret, signedHeaders(secret, 'msg_1', body), body);
  assert.ok(result.ok);
  assert.equal(result.webhookId, 'msg_1');
  assert.equal(result.event.type, 'message.create');
  assert.ok(isKnownEvent(result.event));
  assert.deepEqual(result.event, JSON.parse(body));
});

test('the body may be a Buffer, and the headers a fetch Headers or any case', () => {
  const headers = signedHeaders(secret, 'msg_2', body);
  assert.ok(verifyWebhook(secret, new Headers(headers), Buffer.from(body)).ok);
  const shouting = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
  assert.ok(verifyWebhook(secret, shouting, new TextEncoder().encode(body)).ok);
});

test('a tampered body is refused', () => {
  const headers = signedHeaders(secret, 'msg_3', body);
  assert.equal(reasonOf(verifyWebhook(secret, headers, body.replace('hi', 'ho'))), 'invalid_signature');
  assert.equal(reasonOf(verifyWebhook(secret, headers, `${body} `)), 'invalid_signature');
});

test('a tampered id or timestamp is refused', () => {
  const headers = signedHeaders(secret, 'msg_4', body);
  assert.equal(reasonOf(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_5' }, body)), 'invalid_signature');
  const later = String(Number(headers['webhook-timestamp']) + 1);
  assert.equal(reasonOf(verifyWebhook(secret, { ...headers, 'webhook-timestamp': later }, body)), 'invalid_signature');
});

test('a signature made with another secret is refused', () => {
  assert.equal(reasonOf(verifyWebhook(secret, signedHeaders(newSecret(), 'msg_6', body), body)), 'invalid_signature');
});

test('timestamps more than five minutes old or ahead are refused; within five minutes they pass', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const at = (offsetSeconds: number) => signedHeaders(secret, `msg_t${offsetSeconds}`, body, new Date(now + offsetSeconds * 1000));
  assert.equal(reasonOf(verifyWebhook(secret, at(-301), body, { now })), 'timestamp_too_old');
  assert.equal(reasonOf(verifyWebhook(secret, at(301), body, { now })), 'timestamp_too_new');
  assert.equal(reasonOf(verifyWebhook(secret, at(-300), body, { now })), 'ok');
  assert.equal(reasonOf(verifyWebhook(secret, at(300), body, { now: new Date(now) })), 'ok');
  assert.equal(reasonOf(verifyWebhook(secret, at(-60), body, { now, toleranceSeconds: 30 })), 'timestamp_too_old');
});

test('by default the clock is now: a webhook signed ten minutes ago is refused', () => {
  const stale = signedHeaders(secret, 'msg_7', body, new Date(Date.now() - 600_000));
  assert.equal(reasonOf(verifyWebhook(secret, stale, body)), 'timestamp_too_old');
});

test('missing or malformed headers are refused', () => {
  const headers = signedHeaders(secret, 'msg_8', body);
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
    const rest: Record<string, string> = { ...headers };
    delete rest[name];
    assert.equal(reasonOf(verifyWebhook(secret, rest, body)), 'missing_headers', name);
  }
  assert.equal(reasonOf(verifyWebhook(secret, { ...headers, 'webhook-timestamp': '12e8' }, body)), 'invalid_timestamp');
  assert.equal(reasonOf(verifyWebhook(secret, { ...headers, 'webhook-signature': 'v2,abc' }, body)), 'invalid_signature');
});

test('rotation: a header with two v1 signatures is accepted when either matches', () => {
  const date = new Date();
  const theirs = new Webhook(newSecret()).sign('msg_9', date, body);
  const ours = new Webhook(secret).sign('msg_9', date, body);
  const base = signedHeaders(secret, 'msg_9', body, date);
  assert.ok(verifyWebhook(secret, { ...base, 'webhook-signature': `${theirs} ${ours}` }, body).ok);
  assert.ok(verifyWebhook(secret, { ...base, 'webhook-signature': `${ours} ${theirs}` }, body).ok);
  assert.equal(reasonOf(verifyWebhook(secret, { ...base, 'webhook-signature': `${theirs} ${theirs}` }, body)), 'invalid_signature');
});

test('rotation: the app may hold the new and the old secret, and either verifies', () => {
  const next = newSecret();
  assert.ok(verifyWebhook([next, secret], signedHeaders(secret, 'msg_10', body), body).ok);
  assert.ok(verifyWebhook([next, secret], signedHeaders(next, 'msg_11', body), body).ok);
  assert.equal(reasonOf(verifyWebhook([next], signedHeaders(secret, 'msg_12', body), body)), 'invalid_signature');
});

test('a replayed id is refused once the first was accepted', () => {
  const replayGuard = new ReplayGuard();
  const headers = signedHeaders(secret, 'msg_13', body);
  assert.ok(verifyWebhook(secret, headers, body, { replayGuard }).ok);
  assert.equal(reasonOf(verifyWebhook(secret, headers, body, { replayGuard })), 'replayed');
  assert.ok(verifyWebhook(secret, signedHeaders(secret, 'msg_14', body), body, { replayGuard }).ok);
});

test('the same id re-signed later (a hub retry or redelivery) is a duplicate, not a replay', () => {
  const replayGuard = new ReplayGuard();
  const now = Date.now();
  assert.ok(verifyWebhook(secret, signedHeaders(secret, 'msg_dup', body, new Date(now - 30_000)), body, { replayGuard, now }).ok);
  assert.equal(reasonOf(verifyWebhook(secret, signedHeaders(secret, 'msg_dup', body, new Date(now)), body, { replayGuard, now })), 'duplicate');
});

test('a forged request does not burn its id in the replay guard', () => {
  const replayGuard = new ReplayGuard();
  const forged = signedHeaders(newSecret(), 'msg_15', body);
  assert.equal(reasonOf(verifyWebhook(secret, forged, body, { replayGuard })), 'invalid_signature');
  assert.ok(verifyWebhook(secret, signedHeaders(secret, 'msg_15', body), body, { replayGuard }).ok);
});

test('a signed body that is not an event is invalid_payload', () => {
  for (const bad of ['not json', '[]', '{"id":"e","type":"ping"}', JSON.stringify({ id: 1, type: 'ping', appId: 'a', guildId: null, createdAt: 'x', data: {} })]) {
    assert.equal(reasonOf(verifyWebhook(secret, signedHeaders(secret, 'msg_16', bad), bad)), 'invalid_payload', bad);
  }
});

test('an event of a type this SDK does not know is accepted but not known', () => {
  const future = eventBody('thread.create', { id: '1' });
  const result = verifyWebhook(secret, signedHeaders(secret, 'msg_17', future), future);
  assert.ok(result.ok);
  assert.equal(isKnownEvent(result.event), false);
});

test('an unusable secret is a TypeError, not a refusal', () => {
  assert.throws(() => verifyWebhook('whsec_***', signedHeaders(secret, 'msg_18', body), body), TypeError);
  assert.throws(() => verifyWebhook([], signedHeaders(secret, 'msg_18', body), body), TypeError);
});
