import assert from 'node:assert/strict';
import { AttendanceRepository } from '../../src/storage/attendance-repository.ts';
import { TicketRepository, type TicketRecord } from '../../src/storage/ticket-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { ticket } from '../modules/tickets/ticket-fixtures.ts';
import { member, response, session } from '../modules/attendance/attendance-fixtures.ts';

const GUILD = '900000000000000001';
const OTHER_GUILD = '900000000000000002';
const NOW = Date.parse('2026-03-10T15:30:00Z');
const at = (iso: string) => Date.parse(iso);

describeEachDatabase('dashboard statistics', ({ it, open }) => {
  it('counts tickets opened and closed per UTC day, every day listed, zeros included', async () => {
    const database = await open();
    const tickets = new TicketRepository(database.db);
    let number = 0;
    const add = (overrides: Partial<TicketRecord>) => {
      number += 1;
      return tickets.insert(ticket({ id: `t${number}`, number, ...overrides }));
    };
    await add({ createdAt: at('2026-03-10T00:00:00Z') }); // today, first millisecond
    await add({ createdAt: at('2026-03-10T15:00:00Z'), status: 'closed', closedAt: at('2026-03-10T15:20:00Z') });
    await add({ createdAt: at('2026-03-08T23:59:59.999Z'), status: 'closed', closedAt: at('2026-03-09T00:00:00Z') });
    await add({ createdAt: at('2026-03-04T12:00:00Z') }); // first day of a 7-day window
    await add({ createdAt: at('2026-03-03T23:59:59Z'), status: 'closed', closedAt: at('2026-03-05T08:00:00Z') }); // opened before the window
    await add({ createdAt: at('2026-03-09T10:00:00Z'), guildId: OTHER_GUILD });

    const week = await tickets.openedAndClosedPerDay(GUILD, 7, NOW);
    assert.deepEqual(week, [
      { day: '2026-03-04', opened: 1, closed: 0 },
      { day: '2026-03-05', opened: 0, closed: 1 },
      { day: '2026-03-06', opened: 0, closed: 0 },
      { day: '2026-03-07', opened: 0, closed: 0 },
      { day: '2026-03-08', opened: 1, closed: 0 },
      { day: '2026-03-09', opened: 0, closed: 1 },
      { day: '2026-03-10', opened: 2, closed: 1 },
    ]);
    const today = await tickets.openedAndClosedPerDay(GUILD, 1, NOW);
    assert.deepEqual(today, [{ day: '2026-03-10', opened: 2, closed: 1 }]);
    const year = await tickets.openedAndClosedPerDay(GUILD, 365, NOW);
    assert.equal(year.length, 365);
    assert.equal(year[0]!.day, '2025-03-11');
    assert.equal(year.reduce((sum, d) => sum + d.opened, 0), 5);
    assert.deepEqual(await tickets.openedAndClosedPerDay('900000000000000009', 3, NOW), [
      { day: '2026-03-08', opened: 0, closed: 0 },
      { day: '2026-03-09', opened: 0, closed: 0 },
      { day: '2026-03-10', opened: 0, closed: 0 },
    ]);
  });

  it('counts the answers of past sessions in the window, oldest first, waitlist apart, cancelled and unfinished left out', async () => {
    const database = await open();
    const attendance = new AttendanceRepository(database.db);
    const add = async (id: string, startsAt: string, endsAt: string, extra: Parameters<typeof session>[0] = {}) =>
      attendance.insertSession(session({ id, seriesId: id, title: `Session ${id}`, startsAt: at(startsAt), endsAt: at(endsAt), ...extra }));
    await add('s-old', '2025-11-01T18:00:00Z', '2025-11-01T20:00:00Z'); // before a 90-day window
    await add('s-a', '2026-02-01T18:00:00Z', '2026-02-01T20:00:00Z');
    await add('s-b', '2026-01-15T18:00:00Z', '2026-01-15T20:00:00Z');
    await add('s-empty', '2026-03-01T18:00:00Z', '2026-03-01T20:00:00Z');
    await add('s-cancelled', '2026-02-10T18:00:00Z', '2026-02-10T20:00:00Z', { status: 'cancelled' });
    await add('s-running', '2026-03-10T15:00:00Z', '2026-03-10T17:00:00Z'); // has not ended at NOW
    await add('s-other', '2026-02-02T18:00:00Z', '2026-02-02T20:00:00Z', { guildId: OTHER_GUILD });
    const answer = (sessionId: string, userId: string, value: 'yes' | 'maybe' | 'late' | 'no', waitlist: number | null = null) =>
      attendance.saveResponse({ ...response(userId, value, 1, waitlist), sessionId });
    await answer('s-a', member(1), 'yes');
    await answer('s-a', member(2), 'yes');
    await answer('s-a', member(3), 'yes', 1);
    await answer('s-a', member(4), 'maybe');
    await answer('s-a', member(5), 'late');
    await answer('s-a', member(6), 'no');
    await answer('s-a', member(7), 'no');
    await answer('s-b', member(1), 'late');
    await answer('s-cancelled', member(1), 'yes');
    await answer('s-other', member(1), 'yes');

    const stats = await attendance.pastAnswerCounts(GUILD, NOW - 90 * 86_400_000, NOW, 1_000);
    assert.deepEqual(stats, [
      { sessionId: 's-b', title: 'Session s-b', startsAt: at('2026-01-15T18:00:00Z'), yes: 0, maybe: 0, late: 1, no: 0, waitlisted: 0 },
      { sessionId: 's-a', title: 'Session s-a', startsAt: at('2026-02-01T18:00:00Z'), yes: 2, maybe: 1, late: 1, no: 2, waitlisted: 1 },
      { sessionId: 's-empty', title: 'Session s-empty', startsAt: at('2026-03-01T18:00:00Z'), yes: 0, maybe: 0, late: 0, no: 0, waitlisted: 0 },
    ]);
    // A limit keeps the latest sessions of the window, still oldest first.
    assert.deepEqual((await attendance.pastAnswerCounts(GUILD, NOW - 90 * 86_400_000, NOW, 2)).map((s) => s.sessionId), ['s-a', 's-empty']);
  });
});
