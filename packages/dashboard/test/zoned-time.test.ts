import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoToZonedLocal, isTimeZone, zonedLocalToIso } from '../src/format/zoned-time.ts';

describe('zonedLocalToIso', () => {
  it('reads the wall clock of the named zone, summer and winter', () => {
    assert.equal(zonedLocalToIso('2026-07-01T18:30', 'Europe/Berlin'), '2026-07-01T16:30:00.000Z');
    assert.equal(zonedLocalToIso('2026-01-15T18:30', 'Europe/Berlin'), '2026-01-15T17:30:00.000Z');
    assert.equal(zonedLocalToIso('2026-01-15T18:30', 'America/New_York'), '2026-01-15T23:30:00.000Z');
    assert.equal(zonedLocalToIso('2026-01-15T18:30', 'UTC'), '2026-01-15T18:30:00.000Z');
  });

  it('gets the day of a clock change right', () => {
    // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026.
    assert.equal(zonedLocalToIso('2026-03-29T10:00', 'Europe/Berlin'), '2026-03-29T08:00:00.000Z');
    assert.equal(zonedLocalToIso('2026-03-29T01:30', 'Europe/Berlin'), '2026-03-29T00:30:00.000Z');
  });

  it('refuses what is not a time or a zone', () => {
    assert.equal(zonedLocalToIso('tomorrow', 'UTC'), null);
    assert.equal(zonedLocalToIso('2026-01-15T18:30', 'Mars/Olympus'), null);
    assert.equal(isTimeZone(''), false);
    assert.equal(isTimeZone('Asia/Tokyo'), true);
  });

  it('goes back to the same wall clock', () => {
    assert.equal(isoToZonedLocal('2026-07-01T16:30:00.000Z', 'Europe/Berlin'), '2026-07-01T18:30');
    assert.equal(isoToZonedLocal(zonedLocalToIso('2026-11-02T09:05', 'Australia/Sydney')!, 'Australia/Sydney'), '2026-11-02T09:05');
  });
});
