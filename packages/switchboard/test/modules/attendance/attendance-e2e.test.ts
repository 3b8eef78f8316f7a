/**
 * Attendance end to end through the hub and the simulator, on each database: /session create posts the
 * session; 50 members clicking within a second give exact counts, far fewer edits than clicks, and a final
 * message equal to the stored state; capacity with a waitlist and promotion; the calendar feed over its
 * secret URL.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createWebhookHandler, SwitchboardClient } from '@switchboard/sdk';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import { freePort } from '../../support/cli.ts';
import type { Hub } from '../../../src/hub.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type SimStats, type TestSimulator } from '../../support/simulator.ts';

type Callback = { callback: { type: number; data?: { content?: string; flags?: number } } | null; deadlineMissed: boolean };
type SimMessage = { id: string; embeds?: { title?: string; fields?: { name: string; value: string }[] }[]; components?: { components: { custom_id?: string }[] }[] };

describeEachDatabase('attendance end to end', ({ it, open }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let admin: string;
  const users: string[] = [];
  let address = '';
  const hubUrl = () => address.replace('[::1]', '127.0.0.1');
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    hub.http.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(payload ? { payload } : {}) });

  before(async () => {
    sim = await startTestSimulator();
    for (let i = 0; i < 50; i++) {
      const member = await sim.control<{ user: { id: string } } | { id: string }>('POST', `/guilds/${sim.demo.guildId}/members`, { username: `player${i}` });
      users.push('user' in member ? member.user.id : member.id);
    }
    hub = await testHub(await open(), { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, APP_CALLBACKS_ALLOW_LOOPBACK: 'true' }, { discord: true });
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    admin = material.token;
    address = await hub.start();
    await eventually(() => hub.discord!.status().ready, 'connected');
    await eventually(async () => (await sim.control<{ name: string }[]>('GET', `/commands?guildId=${sim.demo.guildId}`)).some((c) => c.name === 'session'), '/session registered');
  });
  after(async () => {
    await hub?.stop();
    await sim?.close();
  });

  it('50 members answering within a second: exact counts, few edits, a final message equal to the stored state', async () => {
    const created = await sim.control<Callback>('POST', '/interactions', {
      kind: 'command',
      name: 'session create',
      options: { title: 'Raid night', start: '2031-03-28 20:00', timezone: 'Europe/Berlin', capacity: 20, duration: 180 },
      channelId: sim.demo.channels.events,
      userId: sim.demo.members.ada,
      waitMs: 3_500,
    });
    assert.equal(created.deadlineMissed, false);
    let message: SimMessage | undefined;
    await eventually(async () => {
      message = (await sim.control<SimMessage[]>('GET', `/channels/${sim.demo.channels.events}/messages`)).find((m) => m.embeds?.[0]?.title?.includes('Raid night'));
      return message !== undefined;
    }, 'the session was posted', 10_000);
    const yes = message!.components![0]!.components.find((c) => c.custom_id?.endsWith(':yes'))!.custom_id!;
    const maybe = message!.components![0]!.components.find((c) => c.custom_id?.endsWith(':maybe'))!.custom_id!;
    const sessionId = yes.split(':')[2]!;

    await sim.control('POST', '/stats/reset');
    const answers = await Promise.all(
      users.map((userId, i) => sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: message!.id, customId: i < 45 ? yes : maybe, userId })),
    );
    assert.ok(answers.every((a) => a.callback?.data?.flags === 64 && !a.deadlineMissed), 'every click answered ephemerally in time');
    const attendance = (await api('GET', `/api/v1/guilds/${sim.demo.guildId}/sessions/${sessionId}/attendance`)).json().data;
    const counts = attendance.attendance.counts;
    assert.deepEqual({ yes: counts.yes, waitlist: counts.waitlist, maybe: counts.maybe }, { yes: 20, waitlist: 25, maybe: 5 });

    await eventually(async () => {
      const current = (await sim.control<SimMessage[]>('GET', `/channels/${sim.demo.channels.events}/messages`)).find((m) => m.id === message!.id)!;
      return JSON.stringify(current.embeds).includes('(20/20)');
    }, 'the message shows the stored counts', 15_000);
    await new Promise((r) => setTimeout(r, 1_500)); // let any last edit land
    const stats = await sim.control<SimStats>('GET', '/stats');
    const edits = Object.entries(stats.rest.requests)
      .filter(([route]) => route.startsWith('PATCH /channels/:channelId/messages/'))
      .reduce((n, [, byStatus]) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
    assert.ok(edits >= 1 && edits <= 10, `${edits} edits for 50 clicks`);
    assert.equal(stats.rest.rateLimited, 0);

    // A Yes who changes to No frees a place for the first on the waitlist.
    const leaving = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: message!.id, customId: yes.replace(':yes', ':no'), userId: users[0] });
    assert.match(leaving.callback?.data?.content ?? '', /not coming/);
    const after = (await api('GET', `/api/v1/guilds/${sim.demo.guildId}/sessions/${sessionId}/attendance`)).json().data;
    const afterCounts = after.attendance.counts;
    assert.deepEqual({ yes: afterCounts.yes, waitlist: afterCounts.waitlist }, { yes: 20, waitlist: 24 });
  });

  it("uses the guild's own button labels, on new and existing session messages", async () => {
    const put = await hub.http.inject({ method: 'PUT', url: `/api/v1/guilds/${sim.demo.guildId}/attendance-labels`, headers: { authorization: `Bearer ${admin}` }, payload: { yes: 'Count me in', late: '' } });
    assert.equal(put.statusCode, 400, 'an empty label is refused');
    const ok = await hub.http.inject({ method: 'PUT', url: `/api/v1/guilds/${sim.demo.guildId}/attendance-labels`, headers: { authorization: `Bearer ${admin}` }, payload: { yes: 'Count me in' } });
    assert.equal(ok.statusCode, 200);
    await eventually(async () => {
      const messages = await sim.control<{ components?: { components: { label?: string }[] }[] }[]>('GET', `/channels/${sim.demo.channels.events}/messages`);
      return messages.some((m) => m.components?.[0]?.components.some((c) => c.label === 'Count me in'));
    }, 'the existing session message shows the new label', 10_000);
  });

  it('serves the guild calendar over its secret URL, and refuses a wrong token', async () => {
    const links = (await api('GET', `/api/v1/guilds/${sim.demo.guildId}/calendar-links/${users[1]}`)).json().data;
    const feed = await hub.http.inject({ method: 'GET', url: new URL(links.guildFeedUrl).pathname + new URL(links.guildFeedUrl).search });
    assert.equal(feed.statusCode, 200);
    assert.match(feed.headers['content-type'] as string, /text\/calendar/);
    assert.match(feed.body, /BEGIN:VCALENDAR\r\n/);
    assert.match(feed.body, /SUMMARY:Raid night/);
    assert.match(feed.body, /DTSTART:20310328T190000Z/, '20:00 in Berlin on 28 March 2031 (before the change) is 19:00 UTC');
    const wrong = await hub.http.inject({ method: 'GET', url: `/api/v1/guilds/${sim.demo.guildId}/calendar.ics?token=nope` });
    assert.equal(wrong.statusCode, 404);
  });

  it("an app's session: created through the hub, its answers recorded and passed on to the app", async () => {
    const received: { type: string; data: { sessionId?: string; userId?: string; answer?: string } }[] = [];
    const port = await freePort();
    const registration = await SwitchboardClient.register(hubUrl(), admin, {
      id: 'campaign',
      name: 'Campaign',
      callbackUrl: `http://127.0.0.1:${port}/hook`,
      events: ['session.response'],
      guilds: [sim.demo.guildId],
      channels: { sessions: sim.demo.channels.events! },
    });
    const server = http.createServer(createWebhookHandler({ secret: registration.signingSecret, handlers: { 'session.response': (event) => void received.push(event) } }));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const client = registration.client;
      await client.heartbeat();
      const start = new Date(Date.now() + 7 * 24 * 3_600_000);
      const created = await client.createSession({ channel: 'sessions', title: 'Dungeon crawl', description: 'Level 3', start_time: start.toISOString(), end_time: new Date(start.getTime() + 3 * 3_600_000).toISOString() });
      assert.ok(created.messageId, 'the session was posted');
      await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: created.messageId, customId: `attendance:answer:${created.sessionId}:late`, userId: users[5] });
      await eventually(() => received.some((e) => e.data.sessionId === created.sessionId && e.data.answer === 'late' && e.data.userId === users[5]), 'the app got the answer', 10_000);
      const stored = (await api('GET', `/api/v1/guilds/${sim.demo.guildId}/sessions/${created.sessionId}/attendance`)).json().data;
      assert.equal(stored.attendance.counts.late, 1, 'the hub recorded it too');
    } finally {
      server.close();
    }
  });
});
