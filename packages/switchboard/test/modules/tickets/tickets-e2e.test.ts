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
    // Several steps per person: a burst larger than the default per-user budget.
    hub = await testHub(await open(), { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, USER_RATE_LIMIT_BURST: '50' }, { discord: true });
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

  it('stays in sync both ways: the API opens, replies, closes and reopens in Discord; Discord deletes and archives by hand', async () => {
    const created = await api('POST', `/api/v1/guilds/${guild()}/tickets`, { title: 'Refund please', description: 'I was charged twice.', category: 'Bug reports', creatorId: member('katherine') });
    assert.equal(created.statusCode, 201, created.body);
    const number = created.json().data.number as number;
    const ticketUrl = `/api/v1/guilds/${guild()}/tickets/${number}`;
    const threadOf = async () => (await api('GET', ticketUrl)).json().data.ticket.threadId as string | null;
    await eventually(async () => (await threadOf()) !== null, 'the API-created ticket got its thread', 10_000);
    const thread = (await threadOf())!;

    const replied = await api('POST', `${ticketUrl}/messages`, { authorId: member('ada'), authorName: 'Ada', content: 'Refunded, sorry about that.' });
    assert.equal(replied.statusCode, 201, replied.body);
    await eventually(async () => (await sim.control<{ content: string }[]>('GET', `/channels/${thread}/messages`)).some((m) => m.content === '**Ada** (staff): Refunded, sorry about that.'), 'the staff reply is in the thread');

    const threadState = async (id: string) => (await state()).threads.find((t) => t.id === id);
    assert.equal((await api('POST', `${ticketUrl}/close`, { reason: 'refunded', closedBy: member('ada') })).statusCode, 200);
    await eventually(async () => (await threadState(thread))?.thread_metadata?.locked === true, 'closed over the API: locked', 10_000);
    assert.equal((await api('POST', `${ticketUrl}/reopen`, {})).statusCode, 200);
    await eventually(async () => (await threadState(thread))?.thread_metadata?.archived === false, 'reopened over the API: unarchived', 10_000);

    // Deleted by hand: an open ticket gets a new thread.
    const removed = await fetch(`${sim.apiBase}/v10/channels/${thread}`, { method: 'DELETE', headers: { authorization: `Bot ${SIM_BOT_TOKEN}` } });
    assert.equal(removed.status, 200);
    await eventually(async () => {
      const current = await threadOf();
      return current !== null && current !== thread;
    }, 'a new thread replaced the deleted one', 10_000);

    // Archived by hand: the ticket closes.
    const replacement = (await threadOf())!;
    const archived = await fetch(`${sim.apiBase}/v10/channels/${replacement}`, {
      method: 'PATCH',
      headers: { authorization: `Bot ${SIM_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ archived: true }),
    });
    assert.equal(archived.status, 200);
    await eventually(async () => (await api('GET', ticketUrl)).json().data.ticket.status === 'closed', 'archiving by hand closed the ticket', 10_000);
    assert.match((await api('GET', ticketUrl)).json().data.ticket.closeReason, /archived in Discord/);
  });

  it('ban and warn need the Discord permission and a confirmation; warn records and tells the user', async () => {
    await api('POST', `/api/v1/guilds/${guild()}/tickets`, { title: 'Rude replies', description: 'Someone keeps insulting me.', category: 'Bug reports', creatorId: member('grace') });
    const list = (await api('GET', `/api/v1/guilds/${guild()}/tickets?creator=${member('grace')}`)).json().data.tickets;
    const number = list[0].number as number;
    const ticketUrl = `/api/v1/guilds/${guild()}/tickets/${number}`;
    await eventually(async () => (await api('GET', ticketUrl)).json().data.ticket.threadId !== null, 'thread', 10_000);
    const thread = (await api('GET', ticketUrl)).json().data.ticket.threadId as string;
    const first = (await sim.control<{ id: string; components?: { components: { custom_id?: string }[] }[] }[]>('GET', `/channels/${thread}/messages`)).find((m) => (m.components?.length ?? 0) > 0)!;
    const button = (action: string) => first.components!.flatMap((row) => row.components).find((c) => c.custom_id?.startsWith(`tickets:${action}:`))!.custom_id!;

    // Ada is Staff (Ban Members); Alan is a Moderator, not staff of this category.
    const notStaff = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: first.id, customId: button('ban'), userId: member('alan') });
    assert.match(notStaff.callback?.data?.content ?? '', /Only staff/);
    const asks = await sim.control<Callback & { callback: { data: { components?: { components: { custom_id: string }[] }[] } } }>('POST', '/interactions', { kind: 'component', messageId: first.id, customId: button('ban'), userId: member('ada') });
    assert.match(asks.callback?.data?.content ?? '', /Ban <@\d+> from this server\?/);
    const confirm = asks.callback.data.components![0]!.components[0]!.custom_id;
    assert.match(confirm, /^tickets:ban-confirm:/);

    const pending = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: first.id, customId: button('pending'), userId: member('ada') });
    assert.match(pending.callback?.data?.content ?? '', /is waiting on/);
    assert.equal((await api('GET', ticketUrl)).json().data.ticket.status, 'pending');

    const warnForm = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: first.id, customId: button('warn'), userId: member('ada') });
    assert.equal(warnForm.callback?.type, 9);
    const warned = await sim.control<Callback>('POST', '/interactions', { kind: 'modal', customId: warnForm.callback!.data!.custom_id!, fields: { reason: 'Please keep it civil.' }, channelId: thread, userId: member('ada') });
    assert.match(warned.callback?.data?.content ?? '', /Warned <@\d+> \(1 warning in all\)/);

    const prompt = (await sim.control<{ id: string; components?: { components: { custom_id?: string }[] }[] }[]>('GET', `/channels/${thread}/messages`)).find((m) =>
      m.components?.some((row) => row.components.some((c) => c.custom_id === confirm)),
    )!;
    const banned = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: prompt.id, customId: confirm, userId: member('ada') });
    assert.match(banned.callback?.data?.content ?? '', /is banned/);
    const bans = (await sim.control<{ bans: { user_id?: string; user?: { id: string } }[] }>('GET', `/guilds/${guild()}`)).bans;
    assert.ok(JSON.stringify(bans).includes(member('grace')), 'the ticket creator is banned in Discord');
  });

  it('manages categories by command (Manage Server only) and opens tickets from the panel', async () => {
    const owner = sim.demo.ownerId;
    const denied = await sim.control<Callback>('POST', '/interactions', { kind: 'command', name: 'ticket category add', options: { name: 'Billing' }, channelId: sim.demo.channels.support, userId: member('alan') });
    assert.match(denied.callback?.data?.content ?? '', /need the Manage Server permission/);
    const added = await sim.control<Callback>('POST', '/interactions', {
      kind: 'command',
      name: 'ticket category add',
      options: { name: 'Billing', staff: sim.demo.roles.Staff, channel: 'billing', emoji: '💳' },
      channelId: sim.demo.channels.support,
      userId: owner,
    });
    assert.match(added.callback?.data?.content ?? '', /Added the ticket category \*\*Billing\*\*/);
    const listed = await sim.control<Callback>('POST', '/interactions', { kind: 'command', name: 'ticket category list', channelId: sim.demo.channels.support, userId: owner });
    assert.match(listed.callback?.data?.content ?? '', /💳 \*\*Billing\*\* → #billing/);

    await sim.control<Callback>('POST', '/interactions', { kind: 'command', name: 'ticket panel', channelId: sim.demo.channels.support, userId: owner });
    const posted = await sim.control<{ id: string; components?: { components: { custom_id?: string; options?: { label: string; value: string }[] }[] }[] }[]>('GET', `/channels/${sim.demo.channels.support}/messages`);
    const panel = posted.reverse().find((m) => m.components?.[0]?.components[0]?.custom_id === 'tickets:panel')!;
    const billing = panel.components![0]!.components[0]!.options!.find((o) => o.label === 'Billing')!;
    const form = await sim.control<Callback>('POST', '/interactions', { kind: 'component', messageId: panel.id, customId: 'tickets:panel', values: [billing.value], userId: member('marie') });
    assert.equal(form.callback?.type, 9);
    await sim.control<Callback>('POST', '/interactions', { kind: 'modal', customId: form.callback!.data!.custom_id!, fields: { title: 'Invoice missing', description: 'No invoice for November.' }, channelId: sim.demo.channels.support, userId: member('marie'), waitMs: 3_500 });
    await eventually(async () => {
      const world = await state();
      const thread = world.threads.find((t) => t.name.endsWith('Invoice missing'));
      return thread !== undefined && world.channels.find((c) => c.id === thread.parent_id)?.name === 'billing';
    }, 'the panel ticket opened in #billing', 10_000);
  });

  it('a blocked member cannot open tickets until unblocked', async () => {
    const blockUrl = `/api/v1/guilds/${guild()}/ticket-blocklist/${member('tim')}`;
    const put = (method: 'PUT' | 'DELETE') => hub.http.inject({ method, url: blockUrl, headers: { authorization: `Bearer ${admin}` }, ...(method === 'PUT' ? { payload: { reason: 'spam' } } : {}) });
    assert.equal((await put('PUT')).statusCode, 200);
    const refused = await api('POST', `/api/v1/guilds/${guild()}/tickets`, { title: 'Let me in', description: 'please', creatorId: member('tim') });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().error.code, 'blocked');
    assert.equal((await put('DELETE')).statusCode, 200);
    assert.equal((await put('DELETE')).statusCode, 404);
    const allowed = await api('POST', `/api/v1/guilds/${guild()}/tickets`, { title: 'Let me in', description: 'please', creatorId: member('tim') });
    assert.equal(allowed.statusCode, 201);
  });
});
