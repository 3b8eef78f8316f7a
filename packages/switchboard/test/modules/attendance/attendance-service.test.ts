import assert from 'node:assert/strict';
import { attendanceRecurrenceJob } from '../../../src/modules/attendance/attendance-recurrence-job.ts';
import { attendanceReminderJob } from '../../../src/modules/attendance/attendance-reminder-job.ts';
import type { AttendanceService } from '../../../src/modules/attendance/attendance-service.ts';
import { createAttendance } from '../../../src/modules/attendance/create-attendance.ts';
import type { AttendanceSessionRecord } from '../../../src/storage/attendance-repository.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { CHANNEL, GUILD, ORGANISER, member } from './attendance-fixtures.ts';

const NOW = Date.parse('2025-03-20T12:00:00Z');
const START = Date.parse('2025-03-23T18:00:00Z');

async function plan(service: AttendanceService, extra: Partial<Parameters<AttendanceService['create']>[0]> = {}): Promise<AttendanceSessionRecord> {
  const result = await service.create({ guildId: GUILD, channelId: CHANNEL, title: 'Session 12', startsAt: START, endsAt: START + 4 * 3_600_000, timezone: 'Europe/Berlin', createdBy: ORGANISER, ...extra });
  assert.ok(result.ok, JSON.stringify(result));
  return result.session;
}

const job = { signal: new AbortController().signal };

describeEachDatabase('attendance service', ({ it, open, openAgain, dialect }) => {
  it('counts 50 members answering at the same moment exactly, with the waitlist in line', async () => {
    const database = await open();
    const handles = dialect === 'postgres' ? [database, openAgain(database)] : [database];
    const services = handles.map((h) => createAttendance(h.db, { clock: () => NOW }));
    const session = await plan(services[0]!, { capacity: 20 });
    const ref = { guildId: GUILD, sessionId: session.id };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => services[i % services.length]!.respond(ref, { userId: member(i), answer: i % 10 === 9 ? 'maybe' : 'yes' })),
    );
    assert.ok(results.every((r) => r.ok));
    const found = await services[0]!.attendance(ref);
    assert.deepEqual(found?.summary.counts, { yes: 20, waitlist: 25, maybe: 5, late: 0, no: 0 });
    assert.deepEqual(found!.summary.waitlist.map((r) => r.waitlistPosition), Array.from({ length: 25 }, (_, i) => i + 1));

    const leaving = found!.summary.yes[0]!.userId;
    const first = found!.summary.waitlist[0]!.userId;
    const change = await services[0]!.respond(ref, { userId: leaving, answer: 'no' });
    assert.ok(change.ok);
    assert.deepEqual(change.promoted.map((r) => r.userId), [first]);
    assert.deepEqual(change.summary.counts, { yes: 20, waitlist: 24, maybe: 5, late: 0, no: 1 });
  });

  it('refuses a bad plan clearly and a session of another guild', async () => {
    const service = createAttendance((await open()).db, { clock: () => NOW });
    const badZone = await service.create({ guildId: GUILD, channelId: CHANNEL, title: 'x', startsAt: START, endsAt: START + 1, timezone: 'Europe/Atlantis', createdBy: ORGANISER });
    assert.equal(badZone.ok ? '' : badZone.reason, '"Europe/Atlantis" is not a time zone; use an IANA name such as Europe/Berlin.');
    const backwards = await service.create({ guildId: GUILD, channelId: CHANNEL, title: 'x', startsAt: START, endsAt: START, timezone: 'UTC', createdBy: ORGANISER });
    assert.equal(backwards.ok, false);
    const session = await plan(service);
    assert.equal(await service.get({ guildId: '900000000000000002', sessionId: session.id }), undefined);
    const other = await service.respond({ guildId: '900000000000000002', sessionId: session.id }, { userId: member(1), answer: 'yes' });
    assert.equal(other.ok ? '' : other.code, 'not_found');
  });

  it('promotes the line when the capacity grows, and names those with a place on cancel', async () => {
    const service = createAttendance((await open()).db, { clock: () => NOW });
    const session = await plan(service, { capacity: 1 });
    const ref = { guildId: GUILD, sessionId: session.id };
    for (const i of [1, 2, 3]) await service.respond(ref, { userId: member(i), answer: 'yes' });
    const edited = await service.edit(ref, { capacity: 2, title: '  Session 12b ' });
    assert.ok(edited.ok);
    assert.deepEqual([edited.session.title, edited.promoted.map((r) => r.userId)], ['Session 12b', [member(2)]]);
    const badEdit = await service.edit(ref, { endsAt: START - 1 });
    assert.equal(badEdit.ok, false);
    const cancelled = await service.cancel(ref);
    assert.ok(cancelled.ok);
    assert.deepEqual(cancelled.notifyUserIds, [member(1), member(2)]);
    assert.equal((await service.cancel(ref)).ok, false);
    const late = await service.respond(ref, { userId: member(4), answer: 'yes' });
    assert.equal(late.ok ? '' : late.code, 'conflict');
  });

  it('keeps a history per member and exports CSV', async () => {
    const service = createAttendance((await open()).db, { clock: () => NOW });
    const a = await plan(service, { title: 'A' });
    const b = await plan(service, { title: 'B', startsAt: START + 7 * 86_400_000, endsAt: START + 7 * 86_400_000 + 3_600_000 });
    await service.respond({ guildId: GUILD, sessionId: a.id }, { userId: member(1), answer: 'late' });
    await service.respond({ guildId: GUILD, sessionId: b.id }, { userId: member(1), answer: 'no' });
    const history = await service.history(GUILD, member(1));
    assert.deepEqual(history.map((e) => [e.session.title, e.response.answer]), [['B', 'no'], ['A', 'late']]);
    const csv = await service.csv({ guildId: GUILD, sessionId: a.id });
    assert.equal(csv?.split('\r\n')[1]?.split(',')[4], 'late');
  });

  it('creates the next weekly occurrence once, at 19:00 Berlin across the change to summer time', async () => {
    const database = await open();
    const handles = dialect === 'postgres' ? [database, openAgain(database)] : [database, database];
    const services = handles.map((h) => createAttendance(h.db, { clock: () => START + 60_000 }));
    const session = await plan(services[0]!, { recurrence: 'weekly' });
    const posted: AttendanceSessionRecord[] = [];
    const jobs = services.map((s) => attendanceRecurrenceJob(s, { onCreated: async (next) => void posted.push(next) }));
    await Promise.all(jobs.map((j) => j.run({ ...job, now: START + 60_000 })));
    assert.equal(posted.length, 1);
    assert.equal(new Date(posted[0]!.startsAt).toISOString(), '2025-03-30T17:00:00.000Z');
    assert.deepEqual([posted[0]!.seriesId, posted[0]!.occurrenceIndex], [session.id, 1]);
    await jobs[0]!.run({ ...job, now: START + 120_000 });
    assert.equal(posted.length, 1, 'nothing more until the new occurrence starts');
    const again = await services[1]!.nextOccurrence(session);
    assert.ok(again.ok && !again.created && again.session.id === posted[0]!.id);
  });

  it('sends each reminder once across two instances, and again after a failed send', async () => {
    const database = await open();
    const handles = dialect === 'postgres' ? [database, openAgain(database)] : [database, database];
    const services = handles.map((h) => createAttendance(h.db, { clock: () => NOW }));
    const session = await plan(services[0]!, { reminderMinutesBefore: 30, capacity: 1 });
    const ref = { guildId: GUILD, sessionId: session.id };
    for (let i = 0; i < 10; i++) await services[0]!.respond(ref, { userId: member(i), answer: i < 2 ? 'yes' : i < 8 ? 'maybe' : 'no' });
    // member(1) waits in line and no one says No after Yes: 1 Yes + 6 Maybe are owed a reminder.
    const due = START - 30 * 60_000;
    assert.deepEqual(await services[0]!.dueReminders(due - 1), []);
    const sent: string[] = [];
    let failOnce = true;
    const jobs = services.map((s) =>
      attendanceReminderJob(s, {
        send: async ({ reminder }) => {
          if (reminder.userId === member(3) && failOnce) {
            failOnce = false;
            throw new Error('DMs closed');
          }
          sent.push(reminder.userId);
        },
      }),
    );
    const runs = await Promise.allSettled(jobs.map((j) => j.run({ ...job, now: due })));
    assert.equal(runs.filter((r) => r.status === 'rejected').length, 1);
    await jobs[1]!.run({ ...job, now: due + 60_000 });
    assert.deepEqual([...sent].sort(), [0, 2, 3, 4, 5, 6, 7].map(member).sort());
    await Promise.all(jobs.map((j) => j.run({ ...job, now: due + 120_000 })));
    assert.equal(sent.length, 7);
    // Claiming directly on two handles: exactly one wins.
    await services[0]!.respond(ref, { userId: member(0), answer: 'no' });
    const promotedReminder = (await services[0]!.dueReminders(due + 1)).map((d) => d.reminder);
    assert.deepEqual(promotedReminder.map((r) => r.userId), [member(1)]);
    const claims = await Promise.all(services.map((s) => s.claimReminder(promotedReminder[0]!, due + 1)));
    assert.deepEqual(claims.sort(), [false, true]);
  });
});
