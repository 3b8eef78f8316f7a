import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextOccurrenceTimes } from '../../../src/modules/attendance/attendance-recurrence.ts';
import { attendanceCsv } from '../../../src/modules/attendance/attendance-csv.ts';
import { feedToken, isFeedToken } from '../../../src/modules/attendance/calendar-token.ts';
import { foldLine, icsFeed } from '../../../src/modules/attendance/ics-feed.ts';
import { member, response, session } from './attendance-fixtures.ts';

/** A small RFC 5545 reader: unfolds, splits properties, unescapes TEXT. */
function parseIcs(text: string): { events: Record<string, string>[]; lines: string[] } {
  assert.ok(text.endsWith('\r\n'));
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    assert.ok(Buffer.byteLength(line) <= 75, `line over 75 octets: ${line}`);
    assert.ok(!line.includes('\n') && !line.includes('\r'));
  }
  const lines: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ')) lines[lines.length - 1] += line.slice(1);
    else lines.push(line);
  }
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = undefined;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon)] = line.slice(colon + 1).replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
    }
  }
  return { events, lines };
}

const fromIcs = (value: string) => Date.parse(value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

describe('iCalendar feed', () => {
  const first = session({ id: 'a1', title: 'Session; the, return', description: 'Bring dice\nand snacks, please\\thanks — ünïcödé '.repeat(4) });
  const second = session({ id: 'a2', ...nextOccurrenceTimes(first), occurrenceIndex: 1, status: 'cancelled', title: 'Session 13' });
  const feed = icsFeed({ name: 'Table', sessions: [first, second], now: Date.parse('2025-03-01T10:00:00Z') });

  it('has one event per session with stable UIDs, UTC times across the DST change, and escaped text', () => {
    const { events, lines } = parseIcs(feed);
    assert.deepEqual([lines[0], lines.at(-1)], ['BEGIN:VCALENDAR', 'END:VCALENDAR']);
    assert.equal(events.length, 2);
    const [a, b] = events as [Record<string, string>, Record<string, string>];
    assert.equal(a.UID, 'attendance-a1@switchboard');
    assert.equal(a.DTSTAMP, '20250301T100000Z');
    assert.equal(a.SUMMARY, first.title);
    assert.equal(a.DESCRIPTION, first.description);
    assert.equal(a.STATUS, 'CONFIRMED');
    assert.equal(fromIcs(a.DTSTART!), Date.parse('2025-03-23T18:00:00Z'));
    // A week later at 19:00 Berlin summer time: 17:00 UTC.
    assert.equal(b.DTSTART, '20250330T170000Z');
    assert.equal(b.DTEND, '20250330T210000Z');
    assert.equal(b.STATUS, 'CANCELLED');
    assert.equal(icsFeed({ name: 'Table', sessions: [first], now: 5 }).includes('UID:attendance-a1@switchboard\r\n'), true);
  });

  it('escapes in the raw text and folds at 75 octets without splitting a character', () => {
    assert.ok(feed.includes('SUMMARY:Session\\; the\\, return\r\n'));
    const folded = foldLine('X:' + 'é'.repeat(100));
    for (const piece of folded.split('\r\n')) assert.ok(Buffer.byteLength(piece) <= 75);
    assert.equal(folded.split('\r\n').map((p, i) => (i === 0 ? p : p.slice(1))).join(''), 'X:' + 'é'.repeat(100));
  });
});

describe('attendance CSV', () => {
  it('quotes commas, quotes and line breaks, defuses formulas, and lists places before the line', () => {
    const csv = attendanceCsv(session({ title: 'Raid, "hard"\nmode' }), [
      response(member(2), 'yes', Date.parse('2025-03-20T10:00:02Z'), 1),
      response(member(1), 'yes', Date.parse('2025-03-20T10:00:01Z')),
      response(member(3), 'no', Date.parse('2025-03-20T10:00:03Z')),
    ]);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'session_id,session_title,starts_at,user_id,answer,waitlist_position,responded_at');
    assert.equal(lines[1], `s1,"Raid, ""hard""\nmode",2025-03-23T18:00:00.000Z,${member(1)},yes,,2025-03-20T10:00:01.000Z`);
    assert.ok(lines[2]!.includes(`${member(2)},yes,1,`));
    assert.ok(lines[3]!.includes(`${member(3)},no,,`));
    assert.ok(attendanceCsv(session({ title: '=cmd()' }), [response(member(1), 'yes', 0)]).includes(",'=cmd(),"));
  });
});

describe('calendar feed tokens', () => {
  it('are bound to the key, the guild and the member', () => {
    const token = feedToken('key', { guildId: 'g', userId: 'u' });
    assert.equal(isFeedToken('key', { guildId: 'g', userId: 'u' }, token), true);
    assert.equal(isFeedToken('other', { guildId: 'g', userId: 'u' }, token), false);
    assert.equal(isFeedToken('key', { guildId: 'g', userId: 'v' }, token), false);
    assert.equal(isFeedToken('key', { guildId: 'g' }, token), false);
    assert.equal(isFeedToken('key', { guildId: 'g', userId: 'u' }, ''), false);
  });
});
