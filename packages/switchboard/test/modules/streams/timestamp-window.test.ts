import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTimestampWindow, parseRfc3339 } from '../../../src/modules/streams/verification/timestamp-window.ts';

describe('RFC 3339 timestamps and the replay window', () => {
  it('parses nanosecond fractions and offsets', () => {
    assert.equal(parseRfc3339('2025-05-01T12:00:00.123456789Z'), Date.parse('2025-05-01T12:00:00.123Z'));
    assert.equal(parseRfc3339('2025-05-01T14:00:00+02:00'), Date.parse('2025-05-01T12:00:00Z'));
    assert.equal(parseRfc3339('yesterday'), undefined);
    assert.equal(parseRfc3339('2025-05-01 12:00'), undefined);
  });

  it('refuses unparsable timestamps', () => {
    assert.deepEqual(checkTimestampWindow('nope', 0), { ok: false, reason: 'bad_timestamp' });
  });
});
