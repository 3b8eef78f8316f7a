/**
 * A weekly session against the simulator, on each database: once an occurrence has started, the recurrence
 * job creates the next one, a week later at the same local time, with its own message and its own answers.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { API } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { createLogger } from '../../../src/logging/logger.ts';
import { createAttendanceFeature, type AttendanceFeature } from '../../../src/modules/attendance/attendance-feature.ts';
import { generateEncryptionKey } from '../../../src/security/secret-box.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { startTestSimulator, type TestSimulator } from '../../support/simulator.ts';

const WEEK = 7 * 24 * 3_600_000;

describeEachDatabase('weekly sessions against the simulator', ({ it, open }) => {
  let sim: TestSimulator;
  let rest: REST;
  let feature: AttendanceFeature;
  before(async () => {
    sim = await startTestSimulator();
    rest = new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken);
    const api = new API(rest);
    feature = createAttendanceFeature({
      db: (await open()).db,
      api: () => api,
      logger: createLogger({ level: 'silent' }),
      encryptionKey: generateEncryptionKey('k'),
      mirrorScheduledEvents: false,
      reminderCheckMs: 60_000,
      labels: async () => ({}),
      notifyApp: async () => undefined,
    });
  });
  after(async () => {
    await feature.module.stop?.();
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await sim.close();
  });

  it('creates and posts the next occurrence once the current one has started, with its own answers', async () => {
    const startsAt = Date.now() + 60_000;
    const created = await feature.service.create({
      guildId: sim.demo.guildId,
      channelId: sim.demo.channels.events!,
      title: 'Weekly standup',
      startsAt,
      endsAt: startsAt + 30 * 60_000,
      timezone: 'Europe/Berlin',
      recurrence: 'weekly',
      intervalWeeks: 1,
      createdBy: sim.demo.members.ada!,
    });
    assert.ok(created.ok);
    await feature.module.publish(created.session);
    const answered = await feature.service.respond({ guildId: sim.demo.guildId, sessionId: created.session.id }, { userId: sim.demo.members.alan!, answer: 'yes' });
    assert.ok(answered.ok);

    const job = feature.jobs.find((j) => j.name.includes('recurrence'))!;
    await job.run({ now: startsAt + 1_000, signal: new AbortController().signal });
    await job.run({ now: startsAt + 2_000, signal: new AbortController().signal }); // a second run creates nothing more

    const { sessions } = await feature.service.list({ guildId: sim.demo.guildId, when: 'upcoming', limit: 10, offset: 0, now: startsAt + 2_000 });
    const next = sessions.filter((s) => s.title === 'Weekly standup' && s.id !== created.session.id);
    assert.equal(next.length, 1, 'exactly one next occurrence');
    const wall = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(ms);
    assert.equal(wall(next[0]!.startsAt), wall(startsAt), 'same weekday and local time');
    assert.ok(Math.abs(next[0]!.startsAt - startsAt - WEEK) <= 3_600_000, 'a week later (give or take a clock change)');
    assert.ok(next[0]!.messageId, 'its own message was posted');
    const summary = await feature.service.attendance({ guildId: sim.demo.guildId, sessionId: next[0]!.id });
    assert.equal(summary?.summary.counts.yes, 0, 'its own answers');
  });
});
