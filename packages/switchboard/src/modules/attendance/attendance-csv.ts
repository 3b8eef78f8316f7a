/**
 * A session's answers as CSV (RFC 4180): a header, one row per member, CRLF line ends. A field with a comma,
 * quote or line break is quoted with its quotes doubled; one starting like a spreadsheet formula gets a
 * leading apostrophe, so that opening the file runs nothing.
 */
import type { AttendanceResponseRecord, AttendanceSessionRecord } from '../../storage/attendance-repository.ts';
import { summarize } from './attendance-summary.ts';

export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const HEADER = ['session_id', 'session_title', 'starts_at', 'user_id', 'answer', 'waitlist_position', 'responded_at'];

export function attendanceCsv(session: AttendanceSessionRecord, responses: readonly AttendanceResponseRecord[]): string {
  const summary = summarize(responses);
  const ordered = [...summary.yes, ...summary.waitlist, ...summary.late, ...summary.maybe, ...summary.no];
  const rows = ordered.map((r) => [
    session.id,
    session.title,
    new Date(session.startsAt).toISOString(),
    r.userId,
    r.answer,
    r.waitlistPosition === null ? '' : String(r.waitlistPosition),
    new Date(r.respondedAt).toISOString(),
  ]);
  return [HEADER, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
