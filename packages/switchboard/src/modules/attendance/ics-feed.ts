/**
 * Sessions as an iCalendar feed (RFC 5545): one VCALENDAR, one VEVENT per session with a UID that stays the
 * same for the session, times in UTC (`Z`), text escaped, cancelled sessions marked so, lines folded at 75
 * octets and ended with CRLF. Pure: the caller gives the sessions and the time of the feed.
 */
import type { AttendanceSessionRecord } from '../../storage/attendance-repository.ts';

export type IcsFeedInput = {
  /** The calendar's name, as calendar apps show it. */
  name: string;
  sessions: readonly AttendanceSessionRecord[];
  /** DTSTAMP of every event: when the feed was made. */
  now: number;
  /** Right-hand side of the UIDs (default `switchboard`). */
  uidDomain?: string;
};

/** 20250330T170000Z */
export function icsUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks. */
export function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

const MAX_OCTETS = 75;

/** Folds a content line so that no physical line exceeds 75 octets, never splitting a character. */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    if (octets + size > MAX_OCTETS) {
      pieces.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  pieces.push(current);
  return pieces.join('\r\n');
}

function eventLines(session: AttendanceSessionRecord, now: number, uidDomain: string): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:attendance-${session.id}@${uidDomain}`,
    `DTSTAMP:${icsUtc(now)}`,
    `DTSTART:${icsUtc(session.startsAt)}`,
    `DTEND:${icsUtc(session.endsAt)}`,
    `SUMMARY:${icsText(session.title)}`,
    ...(session.description === '' ? [] : [`DESCRIPTION:${icsText(session.description)}`]),
    `STATUS:${session.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    `SEQUENCE:${Math.max(0, Math.floor((session.updatedAt - session.createdAt) / 1000))}`,
    `LAST-MODIFIED:${icsUtc(session.updatedAt)}`,
    'END:VEVENT',
  ];
}

export function icsFeed(input: IcsFeedInput): string {
  const uidDomain = input.uidDomain ?? 'switchboard';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Switchboard//Attendance//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(input.name)}`,
    ...input.sessions.flatMap((session) => eventLines(session, input.now, uidDomain)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
