/**
 * The dashboard's data over the real hub, connected to the simulator, on each database: the guilds the bot
 * is in (from the gateway), tickets per day and answers per past session, the status history, the guild
 * configuration's JSON Schema, and webhook delivery times reaching the metrics.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateApiToken } from '../../src/auth/api-token.ts';
import { DEFAULT_GUILD_CONFIG } from '../../src/config/guild-config/guild-config-schema.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { AttendanceRepository } from '../../src/storage/attendance-repository.ts';
import type { ApiTokenRole } from '../../src/storage/schema.ts';
import { TicketRepository } from '../../src/storage/ticket-repository.ts';
import { member, response, session } from '../modules/attendance/attendance-fixtures.ts';
import { ticket } from '../modules/tickets/ticket-fixtures.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { testHub } from '../support/hub.ts';
import { sampleValue } from '../support/metrics-text.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';

const DAY_MS = 86_400_000;

describeEachDatabase('dashboard data API', ({ it, open }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let admin: string;
  let viewer: string;
  let receiver: http.Server;
  let received = 0;

  const issue = async (name: string, role: ApiTokenRole) => {
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name, role, tokenHash: material.hash, now: Date.now() });
    return material.token;
  };
  const get = (url: string, token = viewer) => hub.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    sim = await startTestSimulator();
    receiver = http.createServer((_request, reply) => {
      received += 1;
      reply.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hub = await testHub(await open(), { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, APP_CALLBACKS_ALLOW_LOOPBACK: 'true' }, { discord: true });
    admin = await issue('admin', 'admin');
    viewer = await issue('viewer', 'viewer');
    await hub.start();
    await eventually(() => hub.discord!.status().ready, 'connected');
  });
  after(async () => {
    await hub?.stop();
    await sim?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('lists the guilds the bot is in, as the gateway tells it, and one it joins later', async () => {
    const simGuild = (await sim.control<{ id: string; name: string }[]>('GET', '/guilds')).find((g) => g.id === sim.demo.guildId)!;
    await eventually(async () => (await get('/api/v1/guilds')).json().data.some((g: { id: string }) => g.id === simGuild.id), 'the demo guild is listed');
    const listed = (await get('/api/v1/guilds')).json().data as { id: string; name: string; iconUrl: string | null }[];
    assert.deepEqual(listed.find((g) => g.id === simGuild.id), { id: simGuild.id, name: simGuild.name, iconUrl: null });

    const joined = await sim.control<{ guildId: string }>('POST', '/guilds', { name: 'Late Joiners' });
    await eventually(async () => (await get('/api/v1/guilds')).json().data.some((g: { id: string; name: string }) => g.id === joined.guildId && g.name === 'Late Joiners'), 'the new guild is listed');
    assert.equal((await hub.http.inject({ method: 'GET', url: '/api/v1/guilds' })).statusCode, 401);
  });

  it("gives members' display names by id, null for someone who is not a member, and refuses bad ids", async () => {
    const guildId = sim.demo.guildId;
    const ada = sim.demo.members['ada']!;
    const linus = sim.demo.members['linus']!;
    const get = (query: string) => hub.http.inject({ method: 'GET', url: `/api/v1/guilds/${guildId}/members?${query}`, headers: { authorization: `Bearer ${admin}` } });
    const names = await get(`ids=${ada},${linus},123456789012345678`);
    assert.equal(names.statusCode, 200);
    assert.deepEqual((names.json() as { data: unknown }).data, [
      { id: ada, name: 'Ada Lovelace' },
      { id: linus, name: 'Linus Pauling' },
      { id: '123456789012345678', name: null },
    ]);
    const bad = await get('ids=abc');
    assert.equal(bad.statusCode, 400);
    assert.match((bad.json() as { error: { message: string } }).error.message, /Discord id/);
    assert.equal((await get(`ids=${Array.from({ length: 101 }, (_, i) => String(100000000000000000n + BigInt(i))).join(',')}`)).statusCode, 400);
  });

  it('counts tickets per UTC day over the asked window, and refuses a window out of range', async () => {
    const guildId = sim.demo.guildId;
    const tickets = new TicketRepository(hub.database.db);
    const now = Date.now();
    await tickets.insert(ticket({ id: 'stats-1', guildId, number: 901, createdAt: now - 2 * DAY_MS, status: 'closed', closedAt: now }));
    await tickets.insert(ticket({ id: 'stats-2', guildId, number: 902, createdAt: now }));
    const answer = await get(`/api/v1/guilds/${guildId}/tickets/stats?days=3`);
    assert.equal(answer.statusCode, 200);
    const days = answer.json().data as { day: string; opened: number; closed: number }[];
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    assert.deepEqual(days, [
      { day: day(now - 2 * DAY_MS), opened: 1, closed: 0 },
      { day: day(now - DAY_MS), opened: 0, closed: 0 },
      { day: day(now), opened: 1, closed: 1 },
    ]);
    assert.equal((await get(`/api/v1/guilds/${guildId}/tickets/stats`)).json().data.length, 30, '30 days by default');
    for (const bad of ['0', '366', 'abc', '2.5']) {
      const refused = await get(`/api/v1/guilds/${guildId}/tickets/stats?days=${bad}`);
      assert.equal(refused.statusCode, 400, bad);
      assert.equal(refused.json().error.details[0].path, 'querystring.days', bad);
    }
    assert.equal((await get('/api/v1/guilds/not-a-guild/tickets/stats')).statusCode, 400);
  });

  it("lists the window's past sessions oldest first with the count of each answer", async () => {
    const guildId = sim.demo.guildId;
    const attendance = new AttendanceRepository(hub.database.db);
    const now = Date.now();
    const add = (id: string, daysAgo: number) =>
      attendance.insertSession(session({ id, seriesId: id, guildId, title: `Stats ${id}`, startsAt: now - daysAgo * DAY_MS, endsAt: now - daysAgo * DAY_MS + 3_600_000 }));
    await add('stats-late', 3);
    await add('stats-early', 20);
    await add('stats-too-old', 40);
    await attendance.saveResponse({ ...response(member(1), 'yes', now), sessionId: 'stats-late' });
    await attendance.saveResponse({ ...response(member(2), 'yes', now, 1), sessionId: 'stats-late' });
    await attendance.saveResponse({ ...response(member(3), 'maybe', now), sessionId: 'stats-late' });
    const answer = await get(`/api/v1/guilds/${guildId}/sessions/stats?days=30`);
    assert.equal(answer.statusCode, 200);
    const stats = answer.json().data as { sessionId: string; title: string; startsAt: string; yes: number; maybe: number; late: number; no: number; waitlisted: number }[];
    assert.deepEqual(stats.map((s) => s.sessionId), ['stats-early', 'stats-late']);
    assert.deepEqual(stats[1], { sessionId: 'stats-late', title: 'Stats stats-late', startsAt: new Date(now - 3 * DAY_MS).toISOString(), yes: 1, maybe: 1, late: 0, no: 0, waitlisted: 1 });
    assert.deepEqual((await get(`/api/v1/guilds/${guildId}/sessions/stats`)).json().data.map((s: { sessionId: string }) => s.sessionId), ['stats-too-old', 'stats-early', 'stats-late'], '90 days by default');
    assert.equal((await get(`/api/v1/guilds/${guildId}/sessions/stats?days=400`)).statusCode, 400);
  });

  it('gives the status history in 10-second points', async () => {
    const answer = await get('/api/v1/status/history');
    assert.equal(answer.statusCode, 200);
    const history = answer.json().data as { intervalSeconds: number; points: unknown[] };
    assert.equal(history.intervalSeconds, 10);
    assert.ok(Array.isArray(history.points) && history.points.length <= 360);
  });

  it("describes the guild configuration as a JSON Schema a form can be drawn from, with the defaults", async () => {
    const answer = await get('/api/v1/guild-config/schema');
    assert.equal(answer.statusCode, 200);
    const { schema, defaults, sections, placeholders } = answer.json().data;
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.properties.meetings.properties.defaultDurationMinutes, { type: 'integer', minimum: 5, maximum: 1440 });
    assert.deepEqual(schema.properties.rateLimits.properties.commandsPerMinute, { type: 'integer', minimum: 1, maximum: 600 });
    assert.equal(schema.properties.modules.properties.tickets.type, 'boolean');
    assert.equal(schema.properties.commands.properties.disabled.items.pattern, '^[-_a-z0-9]{1,32}$');
    assert.equal(schema.properties.roleMappings.properties.ticketStaff.items.pattern, '^\\d{17,20}$');
    assert.equal(schema.properties.notifications.properties.meetingStarted.properties.template.maxLength, 1500);
    assert.deepEqual(defaults, DEFAULT_GUILD_CONFIG);
    assert.deepEqual(sections, Object.keys(DEFAULT_GUILD_CONFIG));
    assert.deepEqual(placeholders.meetingStarted, ['title', 'type', 'host', 'meetingId']);
    assert.equal((await hub.http.inject({ method: 'GET', url: '/api/v1/guild-config/schema' })).statusCode, 401);
  });

  it('times webhook deliveries into the Prometheus histogram', async () => {
    const { port } = receiver.address() as AddressInfo;
    const registered = await hub.http.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { authorization: `Bearer ${admin}` },
      payload: { id: 'timed-app', name: 'Timed', callbackUrl: `http://127.0.0.1:${port}/hooks`, events: [], guilds: [sim.demo.guildId] },
    });
    assert.equal(registered.statusCode, 201, registered.body);
    const appToken = registered.json().data.token as string;
    const asApp = { authorization: `Bearer ${appToken}` };
    assert.equal((await hub.http.inject({ method: 'POST', url: '/api/v1/apps/timed-app/heartbeat', headers: asApp })).statusCode, 200);
    const ping = await hub.http.inject({ method: 'POST', url: '/api/v1/apps/timed-app/ping', headers: asApp });
    assert.ok(ping.statusCode < 300, ping.body);
    await eventually(() => received >= 1, 'the ping was delivered');
    await eventually(async () => {
      const text = (await hub.http.inject({ method: 'GET', url: '/metrics' })).body;
      return (sampleValue(text, 'switchboard_webhook_delivery_seconds_count', { outcome: 'delivered' }) ?? 0) >= 1;
    }, 'the delivery is in the histogram');
  });
});
