import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { GuildScheduledEventEntityType, GuildScheduledEventStatus } from 'discord-api-types/v10';
import { startTestSimulator, type TestSimulator } from '../../../support/simulator.ts';
import { ScheduledEventMirror, scheduledEventBody, type MirroredSession } from '../../../../src/modules/attendance/discord/scheduled-event-mirror.ts';

type SimEvent = { id: string; name: string; description?: string | null; status: number; entity_type: number; scheduled_start_time: string; scheduled_end_time: string | null; entity_metadata: { location?: string } | null };

const SESSION: MirroredSession = {
  title: 'Raid night',
  description: 'Meet at the portal.',
  startsAt: new Date('2030-06-01T18:00:00Z'),
  endsAt: new Date('2030-06-01T21:00:00Z'),
  status: 'scheduled',
};

describe('scheduledEventBody', () => {
  it('is an external event with the channel link as location and the session’s start and end', () => {
    const body = scheduledEventBody(SESSION, { guildId: 'g1', channelId: 'c1' });
    assert.equal(body.entity_type, GuildScheduledEventEntityType.External);
    assert.deepEqual(body.entity_metadata, { location: 'https://discord.com/channels/g1/c1' });
    assert.equal(body.scheduled_start_time, '2030-06-01T18:00:00.000Z');
    assert.equal(body.scheduled_end_time, '2030-06-01T21:00:00.000Z');
    assert.equal(body.name, 'Raid night');
    assert.equal(body.description, 'Meet at the portal.');
  });

  it('cuts the name and description to Discord’s limits and leaves an empty description out', () => {
    const body = scheduledEventBody({ ...SESSION, title: 'n'.repeat(300), description: '  ' }, { guildId: 'g1', channelId: 'c1' });
    assert.equal(body.name.length, 100);
    assert.equal('description' in body, false);
    assert.equal(scheduledEventBody({ ...SESSION, description: 'd'.repeat(3000) }, { guildId: 'g', channelId: 'c' }).description?.length, 1000);
  });
});

describe('ScheduledEventMirror against the simulator', () => {
  let sim: TestSimulator;
  let api: API;
  let guildId: string;
  let channelId: string;
  const events = async (): Promise<SimEvent[]> => (await sim.control<{ scheduled_events: SimEvent[] }>('GET', `/guilds/${guildId}`)).scheduled_events;

  before(async () => {
    sim = await startTestSimulator();
    api = new API(new REST({ version: '10', api: sim.apiBase, retries: 0 }).setToken(sim.botToken));
    guildId = sim.demo.guildId;
    const events = sim.demo.channels.events;
    assert.ok(events);
    channelId = events;
  });
  after(async () => {
    await sim.close();
  });

  it('creates the event, edits it with the session, and marks it cancelled', async () => {
    const mirror = new ScheduledEventMirror({ api });
    const place = { guildId, channelId };
    const eventId = await mirror.sync(place, SESSION, null);
    assert.ok(eventId);
    let event = (await events()).find((e) => e.id === eventId);
    assert.ok(event);
    assert.equal(event.name, 'Raid night');
    assert.equal(event.entity_metadata?.location, `https://discord.com/channels/${guildId}/${channelId}`);
    assert.equal(Date.parse(event.scheduled_start_time), SESSION.startsAt.getTime());

    const moved = { ...SESSION, title: 'Raid night (moved)', startsAt: new Date('2030-06-02T18:00:00Z'), endsAt: new Date('2030-06-02T20:00:00Z') };
    assert.equal(await mirror.sync(place, moved, eventId), eventId);
    event = (await events()).find((e) => e.id === eventId);
    assert.equal(event?.name, 'Raid night (moved)');
    assert.equal(Date.parse(event?.scheduled_end_time ?? ''), moved.endsAt.getTime());
    assert.equal((await events()).length, 1, 'edited, not created again');

    assert.equal(await mirror.sync(place, { ...moved, status: 'cancelled' }, eventId), eventId);
    event = (await events()).find((e) => e.id === eventId);
    assert.equal(event?.status, GuildScheduledEventStatus.Canceled);
  });

  it('deletes on cancellation when configured, and recreates an event deleted by hand', async () => {
    // A fresh client and empty buckets, so that this test does not wait out the first one's event bucket (5 per 5 s).
    await sim.control('POST', '/ratelimits/reset');
    api = new API(new REST({ version: '10', api: sim.apiBase, retries: 0 }).setToken(sim.botToken));
    const mirror = new ScheduledEventMirror({ api, deleteOnCancel: true });
    const place = { guildId, channelId };
    const first = await mirror.sync(place, SESSION, null);
    assert.ok(first);
    await api.guilds.deleteScheduledEvent(guildId, first);
    const second = await mirror.sync(place, SESSION, first);
    assert.ok(second);
    assert.notEqual(second, first);
    assert.ok((await events()).some((e) => e.id === second));

    assert.equal(await mirror.sync(place, { ...SESSION, status: 'cancelled' }, second), null);
    assert.equal((await events()).some((e) => e.id === second), false);
    assert.equal(await mirror.sync(place, { ...SESSION, status: 'cancelled' }, second), null, 'cancelling a gone event is a no-op');
    await mirror.remove(guildId, second);
  });
});
