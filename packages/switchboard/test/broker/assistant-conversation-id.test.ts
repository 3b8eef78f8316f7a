import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conversationDay, conversationId } from '../../src/broker/conversation-id.ts';

const SCOPE = { userId: '300000000000000001', channelId: '400000000000000001' };

describe('assistant conversation ids', () => {
  it('names the UTC day, whatever the local time zone would say', () => {
    assert.equal(conversationDay(Date.UTC(2025, 0, 31, 23, 59, 59, 999)), '2025-01-31');
    assert.equal(conversationDay(Date.UTC(2025, 1, 1, 0, 0, 0)), '2025-02-01');
    assert.equal(conversationDay(Date.UTC(2024, 1, 29, 12)), '2024-02-29');
  });

  it('has the documented form, with no suffix for the first generation and _N after clears', () => {
    assert.equal(conversationId(SCOPE, '2025-03-09'), 'discord_user_300000000000000001_400000000000000001_2025-03-09');
    assert.equal(conversationId(SCOPE, '2025-03-09', 1), 'discord_user_300000000000000001_400000000000000001_2025-03-09');
    assert.equal(conversationId(SCOPE, '2025-03-09', 2), 'discord_user_300000000000000001_400000000000000001_2025-03-09_2');
    assert.equal(conversationId(SCOPE, '2025-03-09', 11), 'discord_user_300000000000000001_400000000000000001_2025-03-09_11');
  });

  it('differs per user, channel and day', () => {
    const ids = new Set([
      conversationId(SCOPE, '2025-03-09'),
      conversationId({ ...SCOPE, userId: '300000000000000002' }, '2025-03-09'),
      conversationId({ ...SCOPE, channelId: '400000000000000002' }, '2025-03-09'),
      conversationId(SCOPE, '2025-03-10'),
    ]);
    assert.equal(ids.size, 4);
  });

  it('refuses a generation below 1 or not whole', () => {
    for (const generation of [0, -1, 1.5, Number.NaN]) assert.throws(() => conversationId(SCOPE, '2025-03-09', generation), RangeError);
  });
});
