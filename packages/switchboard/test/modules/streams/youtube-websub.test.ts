import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { answerWebSubChallenge, verifyWebSubDistribution } from '../../../src/modules/streams/verification/youtube-websub.ts';
import { parseYouTubeAtom } from '../../../src/modules/streams/verification/youtube-atom.ts';

const TOPIC = 'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv';
const SECRET = 'websub-secret';
const NOW = 1_750_000_000_000;
const expectedTopics = { subscribe: new Set([TOPIC]), unsubscribe: new Set<string>() };

const FEED = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
 <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
 <title>YouTube video feed</title>
 <entry>
  <id>yt:video:dQw4w9WgXcQ</id>
  <yt:videoId>dQw4w9WgXcQ</yt:videoId>
  <yt:channelId>UCabcdefghijklmnopqrstuv</yt:channelId>
  <title>Live now &amp; then &#x1F600;</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
  <published>2025-05-01T11:00:00+00:00</published>
  <updated>2025-05-01T11:00:05.123456789+00:00</updated>
 </entry>
</feed>`;

function hubSign(algorithm: string, secret: string, body: string): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}

describe('WebSub challenge', () => {
  it('echoes the challenge for a topic we asked for, with the lease expiry and a renewal time before it', () => {
    const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.challenge': 'c-123', 'hub.lease_seconds': '432000' });
    assert.deepEqual(answerWebSubChallenge({ query, expectedTopics, now: NOW }), {
      ok: true, mode: 'subscribe', topic: TOPIC, challenge: 'c-123', leaseSeconds: 432000,
      leaseExpiresAt: NOW + 432_000_000, renewAt: NOW + 432_000_000 - 43_200_000,
    });
  });

  it('refuses a topic we did not ask for, or asked for in the other mode', () => {
    const other = { 'hub.mode': 'subscribe', 'hub.topic': TOPIC.replace('UCa', 'UCz'), 'hub.challenge': 'c', 'hub.lease_seconds': '60' };
    assert.deepEqual(answerWebSubChallenge({ query: other, expectedTopics, now: NOW }), { ok: false, reason: 'unexpected_topic' });
    const unsub = { 'hub.mode': 'unsubscribe', 'hub.topic': TOPIC, 'hub.challenge': 'c' };
    assert.deepEqual(answerWebSubChallenge({ query: unsub, expectedTopics, now: NOW }), { ok: false, reason: 'unexpected_topic' });
    assert.deepEqual(answerWebSubChallenge({ query: unsub, expectedTopics: { subscribe: new Set(), unsubscribe: new Set([TOPIC]) }, now: NOW }), { ok: true, mode: 'unsubscribe', topic: TOPIC, challenge: 'c' });
  });

  it('refuses missing parameters, bad leases, unknown modes and reports denial', () => {
    const base = { 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.challenge': 'c' };
    assert.deepEqual(answerWebSubChallenge({ query: base, expectedTopics, now: NOW }), { ok: false, reason: 'bad_lease' });
    assert.deepEqual(answerWebSubChallenge({ query: { ...base, 'hub.lease_seconds': '-5' }, expectedTopics, now: NOW }), { ok: false, reason: 'bad_lease' });
    assert.deepEqual(answerWebSubChallenge({ query: { ...base, 'hub.challenge': undefined }, expectedTopics, now: NOW }), { ok: false, reason: 'missing_parameter' });
    assert.deepEqual(answerWebSubChallenge({ query: { ...base, 'hub.mode': 'publish' }, expectedTopics, now: NOW }), { ok: false, reason: 'unknown_mode' });
    assert.deepEqual(answerWebSubChallenge({ query: { 'hub.mode': 'denied', 'hub.topic': TOPIC }, expectedTopics, now: NOW }), { ok: false, reason: 'subscription_denied' });
  });

  it('never schedules renewal in the past for short leases', () => {
    const result = answerWebSubChallenge({ query: { 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.challenge': 'c', 'hub.lease_seconds': '30' }, expectedTopics, now: NOW });
    assert.ok(result.ok && result.mode === 'subscribe');
    assert.equal(result.renewAt, NOW);
  });
});

describe('WebSub content distribution', () => {
  it('accepts a genuine sha1-signed notification and extracts the video and channel', () => {
    const result = verifyWebSubDistribution({ headers: { 'x-hub-signature': hubSign('sha1', SECRET, FEED) }, rawBody: Buffer.from(FEED), secret: SECRET });
    assert.deepEqual(result, {
      ok: true,
      items: [{ kind: 'video', videoId: 'dQw4w9WgXcQ', channelId: 'UCabcdefghijklmnopqrstuv', title: 'Live now & then 😀', published: '2025-05-01T11:00:00+00:00', updated: '2025-05-01T11:00:05.123456789+00:00' }],
    });
  });

  it('accepts sha256 too', () => {
    assert.equal(verifyWebSubDistribution({ headers: { 'X-Hub-Signature': hubSign('sha256', SECRET, FEED) }, rawBody: FEED, secret: SECRET }).ok, true);
  });

  it('refuses a tampered body, a wrong secret, and a missing or unknown signature', () => {
    const signature = hubSign('sha1', SECRET, FEED);
    const tampered = FEED.replace('dQw4w9WgXcQ</yt:videoId>', 'aaaaaaaaaaa</yt:videoId>');
    assert.notEqual(tampered, FEED);
    assert.deepEqual(verifyWebSubDistribution({ headers: { 'x-hub-signature': signature }, rawBody: tampered, secret: SECRET }), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyWebSubDistribution({ headers: { 'x-hub-signature': hubSign('sha1', 'wrong', FEED) }, rawBody: FEED, secret: SECRET }), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyWebSubDistribution({ headers: {}, rawBody: FEED, secret: SECRET }), { ok: false, reason: 'missing_signature' });
    assert.deepEqual(verifyWebSubDistribution({ headers: { 'x-hub-signature': 'md5=00' }, rawBody: FEED, secret: SECRET }), { ok: false, reason: 'unsupported_algorithm' });
  });
});

describe('YouTube Atom reading', () => {
  it('refuses a DOCTYPE (and with it any entity declaration)', () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>${FEED.slice(FEED.indexOf('<feed'))}`;
    assert.deepEqual(parseYouTubeAtom(evil), { ok: false, reason: 'doctype_refused' });
  });

  it('leaves undeclared entities undecoded and refuses malformed ids', () => {
    const odd = FEED.replace('Live now &amp; then', '&xxe; now');
    const result = parseYouTubeAtom(odd);
    assert.ok(result.ok);
    assert.equal(result.items[0]?.kind === 'video' && result.items[0].title?.startsWith('&xxe;'), true);
    assert.deepEqual(parseYouTubeAtom(FEED.replace('<yt:videoId>dQw4w9WgXcQ', '<yt:videoId>bad id')), { ok: false, reason: 'bad_entry' });
    assert.deepEqual(parseYouTubeAtom('<html></html>'), { ok: false, reason: 'not_a_feed' });
  });

  it('reads deleted entries', () => {
    const deleted = `<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom"><at:deleted-entry ref="yt:video:dQw4w9WgXcQ" when="2025-05-01T11:00:00+00:00"><at:by><name>x</name><uri>https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv</uri></at:by></at:deleted-entry></feed>`;
    assert.deepEqual(parseYouTubeAtom(deleted), { ok: true, items: [{ kind: 'deleted', videoId: 'dQw4w9WgXcQ', channelId: 'UCabcdefghijklmnopqrstuv' }] });
  });
});
