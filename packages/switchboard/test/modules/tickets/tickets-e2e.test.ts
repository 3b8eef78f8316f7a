/**
 * Tickets end to end through the hub and the simulator, on each database: a category set over the API,
 * `/ticket open` and its form, the private thread in the category's channel, staff-only buttons, a message
 * in the thread stored with the ticket, and closing: the thread locked and archived, the transcript
 * stored and posted to the archive log.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import type { Hub } from '../../../src/hub.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../../support/simulator.ts';

type Callback = { callback: { type: number; data?: { content?: string; custom_id?: string; flags?: number } } | null; deadlineMissed: boolean; token: string };
type SimChannel = { id: string; name: string; type: number; parent_id?: string | null; thread_metadata?: { archived: boolean; locked: boolean } };
type GuildState = { channels: SimChannel[]; threads: (SimChannel & { members?: string[] })[] };

describeEachDatabase('tickets end to end', ({ it, open }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let admin: string;
  const guild = () => sim.demo.guildId;
  const member = (name: string) => sim.demo.members[name]!;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    hub.http.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(payload ? { payload } : {}) });
  const state = () => sim.control<GuildState>('GET', `/guilds/${guild()}`);

  before(async () => {
    sim = await startTestSimulator();
    hub = await testHub(await open(), { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase }, { discord: true });
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    admin = material.token;
    await hub.start();
    await eventually(() => hub.discord!.status().ready, 'connected');
    await eventually(async () => (await sim.control<{ name: string }[]>('GET', `/commands?guildId=${guild()}`)).some((c) => c.name === 'ticket'), '/ticket registered');
  });
  after(async () => {
    await hub?.stop();
    await sim?.close();
  });

  it('opens a ticket from /ticket and its form as a private thread in the category channel, with the creator in it', async () => {
    const category = await api('POST', `/api/v1/guilds/${guild()}/ticket-categories`, { name: 'Bug reports', staffRoleIds: [sim.demo.roles.Staff!], channelName: 'bug-reports' });
    assert.equal(category.statusCode, 201, category.body);

    const command = await sim.control<Callback>('POST', '/interactions', {
      kind: 'command',
      name: 'ticket open',
      options: { category: 'Bug reports', priority: 'high' },
      channelId: sim.demo.channels.support,
      userId: member('alan'),
    });
    assert.equal(command.callback?.type, 9, 'a modal');
    const form = await sim.control<Callback>('POST', '/interactions', {
      kind: 'modal',
      customId: command.callback!.data!.custom_id!,
      fields: { title: 'The map does not load', description: 'Since this morning the map is blank.' },
      channelId: sim.demo.channels.support,
      userId: member('alan'),
      waitMs: 3_500,
    });
    assert.equal(form.deadlineMissed, false);

    // The ticket knows its thread once the thread and its first messages are in place.
    await eventually(async () => (await api('GET', `/api/v1/guilds/${guild()}/tickets/1`)).json().data?.ticket.threadId != null, 'the ticket has its thread', 10_000);
    const world = await state();
    const thread = world.threads.find((t) => t.name === '🎫 Ticket #1: The map does not load')!;
    assert.equal(thread.type, 12, 'a private thread');
    const parent = world.channels.find((c) => c.id === thread.parent_id)!;
    assert.equal(parent.name, 'bug-reports');
    assert.equal(world.channels.find((c) => c.id === parent.parent_id)?.name, '🎫 Active Tickets');
    assert.ok(thread.members?.includes(member('alan')), 'the creator is in the thread');

    const listed = await api('GET', `/api/v1/guilds/${guild()}/tickets/1`);
    assert.equal(listed.json().data.ticket.threadId, thread.id);
    assert.equal(listed.json().data.ticket.priority, 'high');
  });

  it('refuses staff buttons to others; staff assign; thread messages are stored; close archives, locks and logs the transcript', async () => {
    const ticket = (await api('GET', `/api/v1/guilds/${guild()}/tickets/1`)).json().data.ticket;
    const messages = await sim.control<{ id: string; components?: { components: { custom_id?: string }[] }[] }[]>('GET', `/channels/${ticket.threadId}/messages`);
    const withButtons = messages.find((m) => (m.components?.length ?? 0) > 0)!;
    const button = (action: string) => withButtons.components!.flatMap((row) => row.components).find((c) => c.custom_id?.startsWith(`tickets:${action}:`))!.custom_id!;

    const refused = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: withButtons.id, customId: button('assign'), userId: member('alan') });
    assert.match(refused.callback?.data?.content ?? '', /Only staff/);
    assert.equal(refused.callback?.data?.flags, 64, 'ephemeral');

    const assigned = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: withButtons.id, customId: button('assign'), userId: member('ada') });
    assert.match(assigned.callback?.data?.content ?? '', /You have ticket #1 now/);
    assert.equal((await api('GET', `/api/v1/guilds/${guild()}/tickets/1`)).json().data.ticket.assigneeId, member('ada'));

    await sim.control('POST', `/channels/${ticket.threadId}/messages`, { authorId: member('alan'), content: 'It is still blank after a restart.' });
    await eventually(async () => (await api('GET', `/api/v1/guilds/${guild()}/tickets/1`)).json().data.messages.some((m: { content: string }) => m.content === 'It is still blank after a restart.'), 'the message was stored');

    const closed = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: withButtons.id, customId: button('close'), userId: member('ada'), waitMs: 3_500 });
    assert.equal(closed.deadlineMissed, false);
    await eventually(async () => (await state()).threads.find((t) => t.id === ticket.threadId)?.thread_metadata?.locked === true, 'the thread is locked', 10_000);
    const after = (await state()).threads.find((t) => t.id === ticket.threadId)!;
    assert.equal(after.thread_metadata?.archived, true);
    const transcript = await api('GET', `/api/v1/guilds/${guild()}/tickets/1/transcript?format=text`);
    assert.equal(transcript.statusCode, 200);
    assert.match(transcript.body, /It is still blank after a restart\./);
    const log = (await state()).channels.find((c) => c.name === 'ticket-log')!;
    const logged = await sim.control<{ embeds?: { title?: string }[] }[]>('GET', `/channels/${log.id}/messages`);
    assert.ok(logged.some((m) => m.embeds?.some((e) => e.title?.startsWith('Ticket #1 closed'))));
  });
});
