/**
 * Reminders across a restart, on each database: one due while the first hub runs is sent once and not
 * again by the hub that replaces it; one that comes due while no hub runs is sent by the next one.
 * The member's DMs are closed, so reminders arrive as a mention in the session's channel, where they can
 * be counted.
 */
import assert from 'node:assert/strict';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import type { Hub } from '../../../src/hub.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator } from '../../support/simulator.ts';

describeEachDatabase('attendance reminders across a restart', ({ it, open, openAgain }) => {
  it('sends each reminder exactly once, across a restart just before one is due', async () => {
    const sim = await startTestSimulator();
    const member = await sim.control<{ user?: { id: string }; id?: string }>('POST', `/guilds/${sim.demo.guildId}/members`, { username: 'reminded' });
    const userId = member.user?.id ?? member.id!;
    await sim.control('PATCH', `/users/${userId}`, { dmsClosed: true });
    const env = { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, ATTENDANCE_REMINDER_CHECK_MS: '200' };
    const database = await open();
    let hub: Hub = await testHub(database, env, { discord: true });
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    const call = (target: Hub, method: 'POST', url: string, payload: object) =>
      target.http.inject({ method, url, headers: { authorization: `Bearer ${material.token}` }, payload });
    const channel = sim.demo.channels.events!;
    const reminders = async (title: string) =>
      (await sim.control<{ content: string }[]>('GET', `/channels/${channel}/messages`)).filter((m) => m.content.includes(`<@${userId}>`) && m.content.includes(title)).length;

    try {
      await hub.start();
      await eventually(() => hub.discord!.status().ready, 'connected');
      const plan = async (title: string, dueInMs: number) => {
        const startsAt = Date.now() + 10 * 60_000 + dueInMs;
        const created = await call(hub, 'POST', `/api/v1/guilds/${sim.demo.guildId}/sessions`, {
          channelId: channel,
          title,
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(startsAt + 3_600_000).toISOString(),
          timezone: 'UTC',
          reminderMinutesBefore: 10,
          createdBy: sim.demo.members.ada,
        });
        assert.equal(created.statusCode, 201, created.body);
        const answered = await call(hub, 'POST', `/api/v1/guilds/${sim.demo.guildId}/sessions/${created.json().data.id}/responses`, { userId, answer: 'yes' });
        assert.equal(answered.statusCode, 200, answered.body);
      };
      await plan('Due now', 0);
      await eventually(async () => (await reminders('Due now')) === 1, 'the due reminder was sent', 10_000);
      await plan('Due after the restart', 3_000);
      await hub.stop(); // before the second one is due

      await new Promise((r) => setTimeout(r, 3_500));
      hub = await testHub(openAgain(database), env, { discord: true });
      await hub.start();
      await eventually(async () => (await reminders('Due after the restart')) === 1, 'the replacement hub sent the reminder that came due meanwhile', 10_000);
      await new Promise((r) => setTimeout(r, 1_000)); // several more checks
      assert.equal(await reminders('Due now'), 1, 'not sent again after the restart');
      assert.equal(await reminders('Due after the restart'), 1);
    } finally {
      await hub.stop();
      await sim.close();
    }
  });
});
