import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API } from '@discordjs/core';
import { DiscordAPIError, REST } from '@discordjs/rest';
import { startTestSimulator, type TestSimulator } from '../../../support/simulator.ts';
import { SessionPoster } from '../../../../src/modules/attendance/discord/session-poster.ts';
import type { SessionView } from '../../../../src/modules/attendance/discord/session-message.ts';

type StoredMessage = { id: string; content: string; embeds: { title?: string }[]; components: { components: { custom_id?: string; disabled?: boolean }[] }[]; mentions: { id: string }[] };

function view(overrides: Partial<SessionView> = {}): SessionView {
  return {
    sessionId: 's7',
    title: 'Game night',
    description: 'Board games.',
    startsAt: new Date('2030-03-01T19:00:00Z'),
    endsAt: new Date('2030-03-01T23:00:00Z'),
    timezone: 'UTC',
    capacity: 4,
    status: 'scheduled',
    answers: { yes: [], maybe: [], late: [], no: [], waitlist: [] },
    ...overrides,
  };
}

describe('SessionPoster', () => {
  let sim: TestSimulator;
  let poster: SessionPoster;
  let channelId: string;
  const messages = (id: string): Promise<StoredMessage[]> => sim.control<StoredMessage[]>('GET', `/channels/${id}/messages`);

  before(async () => {
    sim = await startTestSimulator();
    poster = new SessionPoster({ api: new API(new REST({ version: '10', api: sim.apiBase, retries: 0 }).setToken(sim.botToken)) });
    const events = sim.demo.channels.events;
    assert.ok(events);
    channelId = events;
  });
  after(async () => {
    await sim.close();
  });

  it('posts the session message and edits it from a later view', async () => {
    const messageId = await poster.post(channelId, view());
    let stored = (await messages(channelId)).find((m) => m.id === messageId);
    assert.ok(stored);
    assert.equal(stored.embeds[0]?.title, '📅 Game night');
    assert.equal(stored.components[0]?.components[0]?.custom_id, 'attendance:answer:s7:yes');

    await poster.edit(channelId, messageId, view({ status: 'cancelled' }));
    stored = (await messages(channelId)).find((m) => m.id === messageId);
    assert.ok(stored);
    assert.ok(stored.embeds[0]?.title?.includes('Cancelled'));
    assert.ok(stored.components[0]?.components.every((b) => b.disabled === true));
  });

  it('reminds by DM when the user accepts DMs', async () => {
    const user = await sim.control<{ id: string }>('POST', '/users', { username: 'open-dms' });
    const delivery = await poster.remind(user.id, channelId, 'Game night starts soon');
    assert.equal(delivery.via, 'dm');
    assert.notEqual(delivery.channelId, channelId);
    const dm = await messages(delivery.channelId);
    assert.equal(dm.at(-1)?.content, 'Game night starts soon');
  });

  it('falls back to a mention in the session channel when DMs are closed, also after they closed later', async () => {
    const closed = await sim.control<{ id: string }>('POST', '/users', { username: 'closed-dms', dmsClosed: true });
    const delivery = await poster.remind(closed.id, channelId, 'Game night starts soon');
    assert.deepEqual({ via: delivery.via, channelId: delivery.channelId }, { via: 'channel', channelId });
    const posted = (await messages(channelId)).find((m) => m.id === delivery.messageId);
    assert.ok(posted);
    assert.equal(posted.content, `<@${closed.id}> Game night starts soon`);
    assert.deepEqual(posted.mentions.map((m) => m.id), [closed.id]);

    const later = await sim.control<{ id: string }>('POST', '/users', { username: 'closes-later' });
    assert.equal((await poster.remind(later.id, channelId, 'first')).via, 'dm');
    await sim.control('PATCH', `/users/${later.id}`, { dmsClosed: true });
    assert.equal((await poster.remind(later.id, channelId, 'second')).via, 'channel');
  });

  it('passes other refusals on', async () => {
    await assert.rejects(poster.remind('999999999999999999', channelId, 'nobody'), (error) => error instanceof DiscordAPIError);
  });
});
