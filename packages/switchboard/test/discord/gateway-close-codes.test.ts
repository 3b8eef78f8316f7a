import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeCodeInfo, GATEWAY_CLOSE_CODES } from '../../src/discord/gateway-close-codes.ts';

describe('gateway close codes', () => {
  it('marks exactly the configuration problems as fatal', () => {
    const fatal = [...GATEWAY_CLOSE_CODES].filter(([, info]) => info.fatal).map(([code]) => code).sort();
    assert.deepEqual(fatal, [4004, 4010, 4011, 4012, 4013, 4014]);
  });

  it('resumes only where the session survives', () => {
    for (const code of [1001, 1006, 4000, 4001, 4002, 4003, 4005, 4008]) assert.equal(closeCodeInfo(code).resumable, true, String(code));
    for (const code of [1000, 4007, 4009]) {
      assert.equal(closeCodeInfo(code).resumable, false, String(code));
      assert.equal(closeCodeInfo(code).fatal, false, String(code));
    }
  });

  it('never marks a code both fatal and resumable, and always has advice', () => {
    for (const [code, info] of GATEWAY_CLOSE_CODES) {
      assert.ok(!(info.fatal && info.resumable), String(code));
      assert.ok(info.advice.length > 10 && info.name.length > 0, String(code));
    }
  });

  it('tells the operator what to do for the fatal codes', () => {
    assert.match(closeCodeInfo(4004).advice, /^DISCORD_TOKEN was rejected by Discord: create a new token in the Developer Portal/);
    assert.match(closeCodeInfo(4014).advice, /Privileged Gateway Intents/);
    assert.match(closeCodeInfo(4013).advice, /^the intents value is invalid/);
    assert.match(closeCodeInfo(4010).advice, /shard/);
    assert.match(closeCodeInfo(4011).advice, /shards/);
    assert.match(closeCodeInfo(4012).advice, /version 10/);
  });

  it('treats an unknown code as a retryable fresh start', () => {
    assert.deepEqual(
      { ...closeCodeInfo(4999), advice: '' },
      { name: 'Unknown close code', resumable: false, fatal: false, advice: '' },
    );
  });
});
