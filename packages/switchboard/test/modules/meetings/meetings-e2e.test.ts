/**
 * Meetings end to end through the hub, the simulator and a fake Kaltura that verifies every KS, on each
 * database: /kaltura-start makes a tagged room and its event, stores the meeting and announces it with the
 * guild's template; /kaltura-join hands out a link without a KS that redirects to the room with the right
 * role (plain member, mapped moderator role, restricted participants); expired, forged and garbage tokens
 * get their pages; /kaltura-list; /kaltura-end refused to a plain member and done by the host; Kaltura down
 * or refusing leaves nothing behind; a switched-off module refuses; a hub without Kaltura says so.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { API } from '@discordjs/core';
import type { APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import { DEFAULT_GUILD_CONFIG } from '../../../src/config/guild-config/guild-config-schema.ts';
import type { Hub } from '../../../src/hub.ts';
import type { InteractionResponder } from '../../../src/interactions/interaction-responder.ts';
import { createLogger } from '../../../src/logging/logger.ts';
import { joinTokenKey, signJoinToken } from '../../../src/modules/meetings/join-token.ts';
import { KalturaClient } from '../../../src/modules/meetings/kaltura/kaltura-client.ts';
import { createMeetingService } from '../../../src/modules/meetings/meeting-service.ts';
import { createMeetingsFeature } from '../../../src/modules/meetings/meetings-feature.ts';
import { MeetingRepository } from '../../../src/storage/meeting-repository.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { freePort } from '../../support/cli.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { TEST_ENCRYPTION_KEYS, testHub } from '../../support/hub.ts';
import { startKalturaFake, type KalturaFake } from '../../support/kaltura-fake.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../../support/simulator.ts';

type Button = { type: number; style?: number; url?: string; label?: string };
type Callback = {
  callback: { type: number; data?: { content?: string; flags?: number; components?: { components: Button[] }[] } } | null;
  deadlineMissed: boolean;
};
type SimMessage = { id: string; content: string };
type Meeting = { id: string; title: string; type: string; status: string; hostUserId: string; kalturaResourceId: number; kalturaEventId: number; endsAt: string; announcementMessageId: string | null; endedBy: string | null };

const TEST_KEY = Buffer.from(TEST_ENCRYPTION_KEYS.split(':')[1]!, 'base64');

describeEachDatabase('meetings end to end', ({ it, open }) => {
  let sim: TestSimulator;
  let fake: KalturaFake;
  let hub: Hub;
  let admin: string;
  let publicUrl: string;
  let meeting: Meeting;
  const member = (name: string) => sim.demo.members[name]!;
  const channel = () => sim.demo.channels['events']!;
  const command = (name: string, userId: string, options: Record<string, unknown> = {}) =>
    sim.control<Callback>('POST', '/interactions', { kind: 'command', name, options, channelId: channel(), userId, waitMs: 3_500 });
  const patchConfig = async (patch: object) => {
    const response = await hub.http.inject({
      method: 'PATCH',
      url: `/api/v1/guilds/${sim.demo.guildId}/config`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify(patch),
    });
    assert.equal(response.statusCode, 200, response.body);
  };
  const meetings = async (status: 'active' | 'ended') => {
    const response = await hub.http.inject({ method: 'GET', url: `/api/v1/guilds/${sim.demo.guildId}/meetings?status=${status}`, headers: { authorization: `Bearer ${admin}` } });
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as { data: { meetings: Meeting[] } }).data.meetings;
  };
  const messages = () => sim.control<SimMessage[]>('GET', `/channels/${channel()}/messages`);
  const contentOf = (reply: Callback) => reply.callback?.data?.content ?? '';
  const joinUrlOf = (reply: Callback) => reply.callback?.data?.components?.[0]?.components[0]?.url ?? '';

  before(async () => {
    sim = await startTestSimulator();
    fake = await startKalturaFake();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    hub = await testHub(
      await open(),
      {
        DISCORD_TOKEN: SIM_BOT_TOKEN,
        DISCORD_API_URL: sim.apiBase,
        KALTURA_SERVICE_URL: fake.url,
        KALTURA_PARTNER_ID: String(fake.partnerId),
        KALTURA_ADMIN_SECRET: fake.adminSecret,
        KALTURA_JOIN_URL: `${fake.url}/virtualEvent/launch?ks={ks}`,
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        USER_RATE_LIMIT_BURST: '100',
      },
      { discord: true },
    );
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    admin = material.token;
    await hub.start();
    await eventually(() => hub.discord!.status().ready, 'connected');
    await eventually(async () => (await sim.control<{ name: string }[]>('GET', `/commands?guildId=${sim.demo.guildId}`)).some((c) => c.name === 'kaltura-start'), '/kaltura-start registered');
  });
  after(async () => {
    await hub?.stop();
    await sim?.close();
    await fake?.close();
  });

  it("/kaltura-start makes a tagged room and its event, stores the meeting and announces it with the guild's template", async () => {
    await patchConfig({ notifications: { meetingStarted: { template: '🎥 {title} [{type}] by {host}, id {meetingId}' } } });
    const started = await command('kaltura-start', sim.demo.ownerId, { type: 'webinar', title: 'Town hall' });
    assert.equal(started.deadlineMissed, false);
    assert.equal(started.callback?.data?.flags, 64, 'ephemeral');
    assert.match(contentOf(started), /Started \*\*Town hall\*\* \(webinar\)/);

    const active = await meetings('active');
    assert.equal(active.length, 1);
    meeting = active[0]!;
    assert.deepEqual([meeting.title, meeting.type, meeting.status, meeting.hostUserId], ['Town hall', 'webinar', 'active', sim.demo.ownerId]);

    const room = fake.rooms.get(meeting.kalturaResourceId);
    assert.ok(room, 'the room exists in Kaltura');
    assert.deepEqual(room.tags.split(','), ['vcprovider:newrow', 'meetingtype:webinar']);
    assert.equal(room.deleted, false);
    const event = fake.events.get(meeting.kalturaEventId);
    assert.ok(event, 'the event exists in Kaltura');
    assert.equal(event.status, 'active');
    assert.deepEqual(event.resourceIds, [room.id]);
    assert.equal(event.endDate - event.startDate, 60 * 60, "the guild's default duration");

    const announcement = (await messages()).find((m) => m.id === meeting.announcementMessageId);
    assert.ok(announcement, 'the announcement was posted and its id stored');
    assert.equal(announcement.content, `🎥 Town hall [webinar] by <@${sim.demo.ownerId}>, id ${meeting.id}`);
  });

  it('a plain member gets a link without a KS that leads into the room as a viewer, with a KS valid until the end plus 15 minutes', async () => {
    const joined = await command('kaltura-join', member('linus'));
    assert.equal(joined.callback?.data?.flags, 64, 'ephemeral');
    assert.match(contentOf(joined), /valid 10 minutes, only for you/);
    assert.match(contentOf(joined), /as participant/);
    const url = joinUrlOf(joined);
    assert.ok(url.startsWith(`${publicUrl}/meetings/join/`), url);
    assert.doesNotMatch(url, /ks=/i);

    const redirect = await fetch(url, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('cache-control'), 'no-store');
    assert.equal(redirect.headers.get('referrer-policy'), 'no-referrer');
    const location = redirect.headers.get('location') ?? '';
    assert.ok(location.startsWith(`${fake.url}/virtualEvent/launch?ks=`), location);

    const launches = fake.launches.length;
    const room = await fetch(location);
    assert.equal(room.status, 200, await room.clone().text());
    assert.equal(fake.launches.length, launches + 1);
    const ks = fake.launches.at(-1)!;
    assert.equal(ks.userId, `discord:${member('linus')}`);
    assert.equal(ks.type, 0, 'a user KS');
    assert.equal(ks.privileges['role'], 'viewerRole');
    assert.equal(ks.privileges['userContextualRole'], '3');
    assert.equal(Number(ks.privileges['eventSessionContextId']), meeting.kalturaResourceId);
    const expected = Math.floor(Date.parse(meeting.endsAt) / 1000) + 15 * 60;
    assert.ok(Math.abs(ks.expiresAt - expected) <= 5, `KS expires at ${ks.expiresAt}, expected about ${expected}`);
  });

  it('a member with a mapped meeting moderator role enters as the room admin', async () => {
    const before = await command('kaltura-join', member('grace'), { meeting: meeting.id });
    assert.match(contentOf(before), /as participant/, 'Staff moderates only once mapped');
    await patchConfig({ roleMappings: { meetingModerators: [sim.demo.roles['Staff']] } });
    const joined = await command('kaltura-join', member('grace'), { meeting: 'town hall' });
    assert.match(contentOf(joined), /as moderator/);
    const location = (await fetch(joinUrlOf(joined), { redirect: 'manual' })).headers.get('location') ?? '';
    assert.equal((await fetch(location)).status, 200);
    const ks = fake.launches.at(-1)!;
    assert.equal(ks.userId, `discord:${member('grace')}`);
    assert.equal(ks.privileges['role'], 'adminRole');
    assert.equal(ks.privileges['userContextualRole'], '0');
    assert.equal(Number(ks.privileges['eventSessionContextId']), meeting.kalturaResourceId);
  });

  it('with participant roles set, a member holding none is refused and told which roles may join', async () => {
    const memberRole = sim.demo.roles['Member']!;
    await patchConfig({ roleMappings: { meetingParticipants: [memberRole] } });
    try {
      const refused = await command('kaltura-join', member('barbara'));
      assert.equal(refused.callback?.data?.flags, 64);
      assert.match(contentOf(refused), new RegExp(`Only members with one of these roles may join meetings here: <@&${memberRole}>, <@&${sim.demo.roles['Staff']}>`));
      assert.equal(joinUrlOf(refused), '', 'no link');
      const allowed = await command('kaltura-join', member('linus'));
      assert.match(contentOf(allowed), /as participant/);
    } finally {
      await patchConfig({ roleMappings: { meetingParticipants: [] } });
    }
  });

  it('join tokens: a valid one redirects; expired, forged and garbage ones get friendly pages', async () => {
    const key = joinTokenKey(TEST_KEY);
    const claims = { meetingId: meeting.id, guildId: sim.demo.guildId, userId: member('marie'), role: 'participant' as const };
    const valid = await fetch(`${publicUrl}/meetings/join/${await signJoinToken(key, claims, Date.now())}`, { redirect: 'manual' });
    assert.equal(valid.status, 302, 'the test key is the hub key');

    const expired = await fetch(`${publicUrl}/meetings/join/${await signJoinToken(key, claims, Date.now() - 11 * 60_000)}`, { redirect: 'manual' });
    assert.equal(expired.status, 410);
    assert.match(expired.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(expired.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'");
    assert.equal(expired.headers.get('location'), null);
    assert.match(await expired.text(), /This join link has expired: run \/kaltura-join again/);

    // Change the signature's first character: its last one also carries two unused bits, which a decoder ignores.
    const [header, payload, signature] = (await signJoinToken(key, claims, Date.now())).split('.') as [string, string, string];
    const tampered = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const forged = await fetch(`${publicUrl}/meetings/join/${header}.${payload}.${tampered}`, { redirect: 'manual' });
    assert.equal(forged.status, 400);
    assert.match(await forged.text(), /This join link is not valid/);

    const moderatorClaim = await signJoinToken(joinTokenKey(Buffer.alloc(32, 9)), { ...claims, role: 'moderator' }, Date.now());
    const otherKey = await fetch(`${publicUrl}/meetings/join/${moderatorClaim}`, { redirect: 'manual' });
    assert.equal(otherKey.status, 400, 'a token signed with another key');

    const garbage = await fetch(`${publicUrl}/meetings/join/%3Cscript%3Enot-a-token`, { redirect: 'manual' });
    assert.equal(garbage.status, 400);
    assert.doesNotMatch(await garbage.text(), /<script>/);
  });

  it('/kaltura-list shows the running meeting', async () => {
    const listed = await command('kaltura-list', member('linus'));
    assert.equal(listed.callback?.data?.flags, 64);
    assert.match(contentOf(listed), /\*\*Running \(1\)\*\*/);
    assert.match(contentOf(listed), /\*\*Town hall\*\* \(webinar\)/);
  });

  it('/kaltura-end: refused to a plain member; the host ends it in Kaltura and here, says so and marks the announcement; a link opened later gets the ended page', async () => {
    const pending = joinUrlOf(await command('kaltura-join', member('linus')));
    assert.ok(pending);

    const refused = await command('kaltura-end', member('linus'), { meeting: meeting.id });
    assert.match(contentOf(refused), /Only the host, a meeting moderator or someone with Manage Server may end this meeting/);
    assert.equal(fake.events.get(meeting.kalturaEventId)!.status, 'active');
    assert.equal((await meetings('active')).length, 1);

    const ended = await command('kaltura-end', sim.demo.ownerId, { meeting: meeting.id });
    assert.match(contentOf(ended), /Ended \*\*Town hall\*\* after/);
    assert.equal(fake.events.get(meeting.kalturaEventId)!.status, 'cancelled');
    assert.equal((await meetings('active')).length, 0);
    const stored = (await meetings('ended')).find((m) => m.id === meeting.id);
    assert.equal(stored?.status, 'ended');
    assert.equal(stored?.endedBy, sim.demo.ownerId);

    const posted = await messages();
    assert.ok(posted.some((m) => /^\*\*Town hall\*\* has ended after /.test(m.content)), 'the default ended notice was posted');
    assert.match(posted.find((m) => m.id === meeting.announcementMessageId)?.content ?? '', /Town hall.*has ended/);

    const again = await command('kaltura-end', sim.demo.ownerId, { meeting: meeting.id });
    assert.match(contentOf(again), /\*\*Town hall\*\* has already ended/);

    const late = await fetch(pending, { redirect: 'manual' });
    assert.equal(late.status, 410);
    assert.match(await late.text(), /This meeting has ended/);
    assert.match(contentOf(await command('kaltura-join', member('linus'))), /No meeting is running/);
  });

  it('Kaltura down: /kaltura-start says it could not be reached, and nothing is left on either side', async () => {
    const rooms = fake.rooms.size;
    fake.setMode('down');
    try {
      const started = await command('kaltura-start', sim.demo.ownerId, { type: 'meeting', title: 'Standup' });
      assert.equal(contentOf(started), 'Kaltura could not be reached; try again in a few minutes.');
    } finally {
      fake.setMode('ok');
    }
    assert.equal(fake.rooms.size, rooms, 'no room made');
    assert.equal((await meetings('active')).length, 0, 'no row');
  });

  it('Kaltura refusing the event: the room made is deleted again and no meeting is stored', async () => {
    const before = new Set(fake.rooms.keys());
    fake.setMode('error', { failOn: 'schedule_scheduleevent.add' });
    try {
      const started = await command('kaltura-start', sim.demo.ownerId, { type: 'classroom', title: 'Chemistry', duration: 45 });
      assert.match(contentOf(started), /^Kaltura refused: Internal server error occurred/);
    } finally {
      fake.setMode('ok');
    }
    const made = [...fake.rooms.values()].filter((r) => !before.has(r.id));
    assert.equal(made.length, 1, 'the room was made');
    assert.equal(made[0]!.deleted, true, 'and deleted again');
    assert.ok(fake.calls.some((c) => c.name === 'schedule_scheduleresource.delete' && c.ok));
    assert.equal((await meetings('active')).length, 0, 'no row');
  });

  it('a meeting that cannot be recorded is removed from Kaltura again (room deleted, event cancelled)', async () => {
    const before = new Set(fake.rooms.keys());
    const events = new Set(fake.events.keys());
    const failing = new MeetingRepository(hub.database.db);
    failing.insert = async () => {
      throw new Error('the database is gone');
    };
    const service = createMeetingService({
      repository: failing,
      kaltura: { client: new KalturaClient({ serviceUrl: fake.url, partnerId: fake.partnerId, adminSecret: fake.adminSecret }), joinUrl: `${fake.url}/virtualEvent/launch?ks={ks}` },
      roleMapping: async () => ({ meetingModerators: [], meetingParticipants: [] }),
      publicUrl,
      joinKey: joinTokenKey(TEST_KEY),
      logger: createLogger({ level: 'silent' }),
    });
    const result = await service.start({ guildId: sim.demo.guildId, channelId: channel(), hostUserId: sim.demo.ownerId, type: 'meeting', title: 'Lost', durationMinutes: 30 });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /could not be recorded/);
    const room = [...fake.rooms.values()].find((r) => !before.has(r.id));
    const event = [...fake.events.values()].find((e) => !events.has(e.id));
    assert.equal(room?.deleted, true, 'the room was deleted');
    assert.equal(event?.status, 'cancelled', 'the event was cancelled');
  });

  it('the meetings module switched off in the guild refuses its commands', async () => {
    await patchConfig({ modules: { meetings: false } });
    try {
      const refused = await command('kaltura-start', sim.demo.ownerId, { type: 'meeting', title: 'Off' });
      assert.match(contentOf(refused), /meetings module is switched off in this server/);
      assert.equal((await meetings('active')).length, 0);
    } finally {
      await patchConfig({ modules: { meetings: null } });
    }
    assert.match(contentOf(await command('kaltura-list', member('linus'))), /Recently ended/, 'on again');
  });

  it('without Kaltura: the commands say what the operator sets, and a join link gets the not-set-up page', async () => {
    const feature = createMeetingsFeature({
      db: hub.database.db,
      api: () => undefined as API | undefined,
      logger: createLogger({ level: 'silent' }),
      kaltura: undefined,
      publicUrl,
      encryptionKey: { id: 'test-1', key: TEST_KEY },
      guildConfig: async () => DEFAULT_GUILD_CONFIG,
    });
    const said: unknown[] = [];
    const reply = { replyEphemeral: async (input: unknown) => void said.push(input) } as unknown as InteractionResponder;
    for (const name of ['kaltura-start', 'kaltura-join', 'kaltura-list', 'kaltura-end']) {
      const interaction = { guild_id: sim.demo.guildId, member: { user: { id: member('linus') }, roles: [], permissions: '0' }, channel: { id: channel() }, data: { name, options: [] } };
      await feature.module.onCommand!(interaction as unknown as APIChatInputApplicationCommandInteraction, reply, { api: undefined as unknown as API, logger: createLogger({ level: 'silent' }) });
    }
    assert.deepEqual(said, Array(4).fill('Meetings are not set up on this hub: the operator sets KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET.'));
    const token = await signJoinToken(joinTokenKey(TEST_KEY), { meetingId: meeting.id, guildId: sim.demo.guildId, userId: member('linus'), role: 'participant' }, Date.now());
    assert.deepEqual(await feature.routes.openJoin(token), { kind: 'not_configured' });
    const bare = await testHub(await open());
    try {
      const page = await bare.http.inject({ method: 'GET', url: `/meetings/join/${token}` });
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /Meetings are not set up/);
    } finally {
      await bare.stop();
    }
  });
});
