/** Sessions and answers for the attendance tests. */
import type { AttendanceResponseRecord, AttendanceSessionRecord } from '../../../src/storage/attendance-repository.ts';

export const GUILD = '900000000000000001';
export const CHANNEL = '800000000000000001';
export const ORGANISER = '100000000000000001';
export const member = (n: number) => `2000000000000000${String(n).padStart(3, '0')}`;

export function session(overrides: Partial<AttendanceSessionRecord> = {}): AttendanceSessionRecord {
  return {
    id: 's1',
    guildId: GUILD,
    channelId: CHANNEL,
    messageId: null,
    title: 'Session 12',
    description: '',
    startsAt: Date.parse('2025-03-23T18:00:00Z'),
    endsAt: Date.parse('2025-03-23T22:00:00Z'),
    timezone: 'Europe/Berlin',
    capacity: null,
    allowedRoleIds: [],
    recurrence: null,
    intervalWeeks: null,
    seriesId: 's1',
    occurrenceIndex: 0,
    status: 'scheduled',
    createdBy: ORGANISER,
    appId: null,
    reminderMinutesBefore: null,
    calendarEventId: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

export function response(userId: string, answer: AttendanceResponseRecord['answer'], respondedAt: number, waitlistPosition: number | null = null): AttendanceResponseRecord {
  return { sessionId: 's1', userId, answer, waitlistPosition, respondedAt };
}
