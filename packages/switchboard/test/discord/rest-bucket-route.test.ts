import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Routes } from 'discord-api-types/v10';
import { globalRetryAfterMs, readBucketHeaders, restBucketRoute, spendsGlobalLimit } from '../../src/discord/rest-bucket-route.ts';

const CHANNEL = '123456789012345678';
const GUILD = '223456789012345678';
const MESSAGE = '323456789012345678';

describe('restBucketRoute', () => {
  it('keys channel, guild and webhook routes by their major parameter, the way Discord does', () => {
    assert.deepEqual(restBucketRoute('post', Routes.channelMessages(CHANNEL)), { route: 'POST /channels/:id/messages', major: `channels/${CHANNEL}` });
    assert.deepEqual(restBucketRoute('PATCH', Routes.channelMessage(CHANNEL, MESSAGE)), { route: 'PATCH /channels/:id/messages/:id', major: `channels/${CHANNEL}` });
    assert.deepEqual(restBucketRoute('GET', `${Routes.guildChannels(GUILD)}?with_counts=true`), { route: 'GET /guilds/:id/channels', major: `guilds/${GUILD}` });
    assert.deepEqual(restBucketRoute('POST', Routes.webhook('42', 'secret')), { route: 'POST /webhooks/:id/:token', major: 'webhooks/42/secret' });
    assert.deepEqual(restBucketRoute('GET', Routes.webhook('42')), { route: 'GET /webhooks/:id', major: 'webhooks/42' });
    assert.deepEqual(restBucketRoute('GET', Routes.user('@me')), { route: 'GET /users/@me', major: 'global' });
    assert.deepEqual(restBucketRoute('GET', `/api/v10/channels/${CHANNEL}`), { route: 'GET /channels/:id', major: `channels/${CHANNEL}` });
  });

  it('gives two channels two buckets and one channel one, whatever the message', () => {
    const a = restBucketRoute('PUT', Routes.channelMessageOwnReaction(CHANNEL, MESSAGE, '%F0%9F%91%8D'));
    const b = restBucketRoute('PUT', Routes.channelMessageOwnReaction(CHANNEL, '423456789012345678', 'x'));
    const c = restBucketRoute('PUT', Routes.channelMessageOwnReaction('523456789012345678', MESSAGE, 'x'));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('leaves interaction callbacks out: each token is a bucket of its own', () => {
    assert.equal(restBucketRoute('POST', Routes.interactionCallback(CHANNEL, 'token')), null);
  });
});

describe('spendsGlobalLimit', () => {
  it('counts calls made with the bot token only, and never interaction endpoints', () => {
    assert.equal(spendsGlobalLimit(Routes.channelMessages(CHANNEL), true), true);
    assert.equal(spendsGlobalLimit(Routes.webhook('42'), true), true, 'reading a webhook with the bot token spends it');
    assert.equal(spendsGlobalLimit(Routes.channelMessages(CHANNEL), false), false, "without the token the limit is not the bot's");
    assert.equal(spendsGlobalLimit(Routes.interactionCallback(CHANNEL, 'token'), true), false);
    assert.equal(spendsGlobalLimit(Routes.webhookMessage('42', 'token', '@original'), false), false);
    assert.equal(spendsGlobalLimit(Routes.webhook('42', 'token'), true), false, 'follow-ups go through the webhook token');
  });
});

describe('readBucketHeaders', () => {
  it('reads the bucket, the limit, what remains and when it resets', () => {
    const headers = new Headers({ 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '3', 'X-RateLimit-Reset-After': '4.2501', 'X-RateLimit-Bucket': 'abcd' });
    assert.deepEqual(readBucketHeaders(headers), { hash: 'abcd', limit: 5, remaining: 3, resetAfterMs: 4251 });
  });

  it('says nothing when the headers are missing or unreadable', () => {
    assert.equal(readBucketHeaders(new Headers()), null);
    assert.equal(readBucketHeaders(new Headers({ 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': 'x', 'X-RateLimit-Reset-After': '1' })), null);
    assert.equal(readBucketHeaders(new Headers({ 'X-RateLimit-Limit': '0', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '1' })), null);
    const noHash = readBucketHeaders(new Headers({ 'X-RateLimit-Limit': '1', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '0.25' }));
    assert.deepEqual(noHash, { hash: undefined, limit: 1, remaining: 0, resetAfterMs: 250 });
  });
});

describe('globalRetryAfterMs', () => {
  it('reads the pause of a global 429 and nothing else', () => {
    assert.equal(globalRetryAfterMs(429, new Headers({ 'X-RateLimit-Global': 'true', 'Retry-After': '0.5' })), 500);
    assert.equal(globalRetryAfterMs(429, new Headers({ 'Retry-After': '0.5', 'X-RateLimit-Scope': 'user' })), null);
    assert.equal(globalRetryAfterMs(200, new Headers({ 'X-RateLimit-Global': 'true', 'Retry-After': '0.5' })), null);
  });
});
