/**
 * The attendance routes on a small Fastify app set up like the hub's server (zod compilers, the error
 * envelope). A stub takes the role from `x-test-role` and lets `public` routes through without one.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { attendanceRoutes } from '../../src/http/routes/attendance-routes.ts';
import { createAttendance } from '../../src/modules/attendance/create-attendance.ts';
import { describeEachDatabase, type TestDatabase } from '../support/databases.ts';
import { routeTestApp } from '../support/route-app.ts';

const GUILD = '900000000000000001';
const CHANNEL = '800000000000000001';
const USER = '200000000000000001';
const BASE = `/api/v1/guilds/${GUILD}/sessions`;

function buildApp(database: TestDatabase): Promise<FastifyInstance> {
  return routeTestApp((app) =>
    attendanceRoutes(app, { attendance: createAttendance(database.db, { clock: () => Date.parse('2025-03-20T12:00:00Z') }), calendarKey: 'test-key', publicUrl: 'https://hub.example/' }),
  );
}

type Call = { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown; role?: 'admin' | 'viewer' | 'none' };

describeEachDatabase('attendance routes', ({ it, open }) => {
  const call = (app: FastifyInstance, { method, url, body, role = 'admin' }: Call) =>
    app.inject({ method, url, headers: role === 'none' ? {} : { 'x-test-role': role }, ...(body === undefined ? {} : { payload: body as object }) });
  const plan = { channelId: CHANNEL, title: 'Session, 12', startsAt: '2025-03-23T19:00:00+01:00', endsAt: '2025-03-23T23:00:00+01:00', timezone: 'Europe/Berlin', capacity: 1, createdBy: USER };

  it('plans, answers, lists attendance and exports CSV', async () => {
    const app = await buildApp(await open());
    const created = await call(app, { method: 'POST', url: BASE, body: plan });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().data.id as string;
    assert.equal(created.json().data.startsAt, '2025-03-23T18:00:00.000Z');
    assert.equal((await call(app, { method: 'POST', url: `${BASE}/${id}/responses`, body: { userId: USER, answer: 'yes' } })).statusCode, 200);
    const second = await call(app, { method: 'POST', url: `${BASE}/${id}/responses`, body: { userId: '200000000000000002', answer: 'yes' } });
    assert.deepEqual([second.json().data.response.waitlistPosition, second.json().data.counts.waitlist], [1, 1]);
    const read = await call(app, { method: 'GET', url: `${BASE}/${id}/attendance`, role: 'viewer' });
    assert.deepEqual(read.json().data.attendance.counts, { yes: 1, waitlist: 1, maybe: 0, late: 0, no: 0 });
    const csv = await call(app, { method: 'GET', url: `${BASE}/${id}/attendance.csv`, role: 'viewer' });
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.ok(csv.body.includes('"Session, 12"'));
    const listed = await call(app, { method: 'GET', url: BASE, role: 'viewer' });
    assert.equal(listed.json().data.total, 1);
    const history = await call(app, { method: 'GET', url: `/api/v1/guilds/${GUILD}/members/${USER}/attendance`, role: 'viewer' });
    assert.equal(history.json().data.entries[0].response.answer, 'yes');
    const patched = await call(app, { method: 'PATCH', url: `${BASE}/${id}`, body: { capacity: 2 } });
    assert.equal(patched.json().data.promoted[0].userId, '200000000000000002');
    const cancelled = await call(app, { method: 'POST', url: `${BASE}/${id}/cancel` });
    assert.deepEqual(cancelled.json().data.notifyUserIds.length, 2);
    assert.equal((await call(app, { method: 'POST', url: `${BASE}/${id}/cancel` })).statusCode, 409);
    await app.close();
  });

  it('validates input, refuses viewers writing and answers 404 and 422', async () => {
    const app = await buildApp(await open());
    assert.equal((await call(app, { method: 'POST', url: BASE, body: plan, role: 'viewer' })).statusCode, 403);
    assert.equal((await call(app, { method: 'POST', url: BASE, body: { ...plan, extra: 1 } })).statusCode, 400);
    const zone = await call(app, { method: 'POST', url: BASE, body: { ...plan, timezone: 'Nowhere/Else' } });
    assert.deepEqual([zone.statusCode, zone.json().error.code], [422, 'invalid']);
    assert.equal((await call(app, { method: 'GET', url: `${BASE}/00000000-0000-4000-8000-000000000000`, role: 'viewer' })).statusCode, 404);
    await app.close();
  });

  it('serves the calendar feeds only with the right secret token', async () => {
    const app = await buildApp(await open());
    const id = (await call(app, { method: 'POST', url: BASE, body: plan })).json().data.id as string;
    await call(app, { method: 'POST', url: `${BASE}/${id}/responses`, body: { userId: USER, answer: 'maybe' } });
    const links = (await call(app, { method: 'GET', url: `/api/v1/guilds/${GUILD}/calendar-links/${USER}` })).json().data;
    assert.ok(links.guildFeedUrl.startsWith(`https://hub.example/api/v1/guilds/${GUILD}/calendar.ics?token=`));
    for (const url of [links.guildFeedUrl, links.memberFeedUrl] as string[]) {
      const path = url.slice('https://hub.example'.length);
      const feed = await call(app, { method: 'GET', url: path, role: 'none' });
      assert.equal(feed.statusCode, 200);
      assert.ok(feed.body.includes(`UID:attendance-${id}@switchboard\r\n`));
      assert.equal((await call(app, { method: 'GET', url: path.replace(/token=./, 'token=x'), role: 'none' })).statusCode, 404);
    }
    const other = await call(app, { method: 'GET', url: `/api/v1/guilds/${GUILD}/members/200000000000000009/calendar.ics?${links.memberFeedUrl.split('?')[1]}`, role: 'none' });
    assert.equal(other.statusCode, 404);
    assert.equal((await call(app, { method: 'GET', url: `/api/v1/guilds/${GUILD}/calendar.ics`, role: 'none' })).statusCode, 404);
    await app.close();
  });
});
