import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DiscordAPIError } from '@discordjs/rest';
import { discordErrorReply, newReferenceId, restFailureFromError, type RestFailure } from '../../src/discord/discord-error-reply.ts';

const fixedId = () => 'ABCD2345';
const post = (code: number | undefined, status: number): RestFailure => ({
  ...(code === undefined ? {} : { code }),
  status,
  method: 'POST',
  route: '/channels/123/threads',
});

describe('discordErrorReply', () => {
  it('names the missing permission and the channel when the caller knows them', () => {
    const reply = discordErrorReply(post(50013, 403), { channel: '<#123>', permission: 'Manage Threads' }, fixedId);
    assert.deepEqual(reply, {
      message: 'I need the Manage Threads permission in <#123>.',
      referenceId: null,
      summary: 'POST /channels/123/threads → 403 code 50013',
    });
    assert.equal(discordErrorReply(post(50013, 403), { channel: '<#123>' }).message, "I'm missing a permission in <#123>.");
    assert.equal(discordErrorReply(post(50013, 403)).message, "I'm missing a permission.");
  });

  it('explains missing access, unknown resources and closed DMs', () => {
    const cases: [number, number, RegExp][] = [
      [50001, 403, /^I can't access <#123>; make sure I can view it\.$/],
      [10003, 404, /channel no longer exists/],
      [10008, 404, /message no longer exists/],
      [10004, 404, /not in that server/],
      [10013, 404, /doesn't know that user/],
      [10007, 404, /no longer a member/],
      [50007, 403, /can't send that person a direct message/],
    ];
    for (const [code, status, expected] of cases) {
      const reply = discordErrorReply(post(code, status), { channel: '<#123>' }, fixedId);
      assert.match(reply.message, expected, String(code));
      assert.equal(reply.referenceId, null, String(code));
    }
  });

  it('quotes Discord limits from discord-limits', () => {
    assert.equal(
      discordErrorReply(post(160006, 400)).message,
      "This server has reached Discord's limit of 1000 active threads; archive some and try again.",
    );
    assert.match(discordErrorReply(post(30013, 400)).message, /limit of 500 channels/);
  });

  it('gives a malformed request a reference, since it is a bug worth reporting', () => {
    const reply = discordErrorReply(post(50035, 400), {}, fixedId);
    assert.equal(reply.referenceId, 'ABCD2345');
    assert.match(reply.message, /reference ABCD2345\.$/);
    assert.equal(reply.summary, 'POST /channels/123/threads → 400 code 50035 (reference ABCD2345)');
  });

  it('says when to retry on a rate limit', () => {
    assert.equal(
      discordErrorReply({ ...post(undefined, 429), retryAfterMs: 11_200 }).message,
      'Discord is rate limiting me; try again in 12 s.',
    );
    assert.equal(discordErrorReply(post(undefined, 429)).message, 'Discord is rate limiting me; try again in a few seconds.');
  });

  it('blames Discord for server errors', () => {
    for (const status of [500, 502, 503, 504]) {
      assert.deepEqual(discordErrorReply(post(undefined, status), {}, fixedId).message, 'Discord is having trouble; try again in a moment.');
    }
  });

  it('answers anything else with a generic sentence and a reference to log', () => {
    for (const failure of [post(undefined, 401), post(99999, 400), post(0, 418)]) {
      const reply = discordErrorReply(failure, {}, fixedId);
      assert.equal(reply.message, 'Something went wrong while talking to Discord (reference ABCD2345).');
      assert.equal(reply.referenceId, 'ABCD2345');
    }
  });
});

describe('newReferenceId', () => {
  it('makes 8 characters of unambiguous base32, and different ones each time', () => {
    const ids = new Set(Array.from({ length: 500 }, () => newReferenceId()));
    assert.equal(ids.size, 500);
    for (const id of ids) assert.match(id, /^[0-9A-HJKMNP-TV-Z]{8}$/);
    const seen = new Set([...ids].join(''));
    assert.ok(seen.size > 28, 'uses (nearly) the whole alphabet');
  });
});

describe('restFailureFromError', () => {
  it('reads code, status, method and route from a DiscordAPIError', () => {
    const error = new DiscordAPIError(
      { code: 50013, message: 'Missing Permissions' },
      50013,
      403,
      'post',
      'https://discord.com/api/v10/channels/123/threads',
      {},
    );
    assert.deepEqual(restFailureFromError(error), { code: 50013, status: 403, method: 'POST', route: '/channels/123/threads' });
  });

  it('leaves out string codes and keeps a URL it cannot parse', () => {
    const failure = restFailureFromError({ code: 'invalid_grant', status: 400, method: 'POST', url: '/oauth2/token' });
    assert.deepEqual(failure, { status: 400, method: 'POST', route: '/oauth2/token' });
  });
});
