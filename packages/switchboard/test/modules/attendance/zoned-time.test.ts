import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextOccurrenceTimes } from '../../../src/modules/attendance/attendance-recurrence.ts';
import { checkSessionPlan } from '../../../src/modules/attendance/session-validation.ts';
import { instantOf, isValidTimeZone, wallClockAt } from '../../../src/modules/attendance/zoned-time.ts';

const BERLIN = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);
const wall = (year: number, month: number, day: number, hour: number, minute = 0) => ({ year, month, day, hour, minute, second: 0, millisecond: 0 });

describe('zoned time and weekly recurrence', () => {
  it('keeps 19:00 in Berlin across the last Sunday of March (CET to CEST)', () => {
    const next = nextOccurrenceTimes({ startsAt: at('2025-03-23T18:00:00Z'), endsAt: at('2025-03-23T22:00:00Z'), timezone: BERLIN, intervalWeeks: 1 });
    assert.equal(new Date(next.startsAt).toISOString(), '2025-03-30T17:00:00.000Z');
    assert.equal(new Date(next.endsAt).toISOString(), '2025-03-30T21:00:00.000Z');
  });

  it('keeps 19:00 in Berlin across the last Sunday of October (CEST to CET), every 2 weeks', () => {
    const next = nextOccurrenceTimes({ startsAt: at('2025-10-19T17:00:00Z'), endsAt: at('2025-10-19T20:30:00Z'), timezone: BERLIN, intervalWeeks: 2 });
    assert.equal(new Date(next.startsAt).toISOString(), '2025-11-02T18:00:00.000Z');
    assert.deepEqual(wallClockAt(next.startsAt, BERLIN), wall(2025, 11, 2, 19));
  });

  it('resolves a skipped wall time past the change and a repeated one to the first', () => {
    assert.equal(new Date(instantOf(wall(2025, 3, 30, 2, 30), BERLIN)).toISOString(), '2025-03-30T01:30:00.000Z');
    assert.equal(new Date(instantOf(wall(2025, 10, 26, 2, 30), BERLIN)).toISOString(), '2025-10-26T00:30:00.000Z');
    assert.equal(new Date(instantOf(wall(2025, 7, 1, 12), 'America/New_York')).toISOString(), '2025-07-01T16:00:00.000Z');
  });

  it('knows IANA zones and refuses others clearly', () => {
    assert.equal(isValidTimeZone('Europe/Berlin'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
    const plan = { title: 'x', startsAt: 0, endsAt: 3_600_000, timezone: 'Mars/Olympus', capacity: null, recurrence: null, intervalWeeks: null, reminderMinutesBefore: null };
    const verdict = checkSessionPlan(plan);
    assert.deepEqual(verdict, { ok: false, code: 'invalid', reason: '"Mars/Olympus" is not a time zone; use an IANA name such as Europe/Berlin.' });
    assert.equal(checkSessionPlan({ ...plan, timezone: BERLIN }).ok, true);
    assert.equal(checkSessionPlan({ ...plan, timezone: BERLIN, endsAt: 0 }).ok, false);
    assert.equal(checkSessionPlan({ ...plan, timezone: BERLIN, endsAt: 8 * 86_400_000 }).ok, false);
    assert.equal(checkSessionPlan({ ...plan, timezone: BERLIN, capacity: 0 }).ok, false);
    assert.equal(checkSessionPlan({ ...plan, timezone: BERLIN, recurrence: 'weekly', intervalWeeks: 0 }).ok, false);
  });
});
