import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { API } from '@discordjs/core';
import { ChannelType } from 'discord-api-types/v10';
import { startTestSimulator, type TestSimulator } from '../../../support/simulator.ts';
import { TicketChannelManager } from '../../../../src/modules/tickets/discord/ticket-channel-manager.ts';
import { TicketDiscordFailure } from '../../../../src/modules/tickets/discord/ticket-discord-errors.ts';
import { ACTIVE_TICKETS_CATEGORY, ARCHIVE_LOG_CHANNEL, TICKET_ARCHIVE_CATEGORY } from '../../../../src/modules/tickets/discord/ticket-layout.ts';
import { apiFor, byName, guildState, messagesIn, ticketInput } from './ticket-sim-support.ts';

describe('TicketChannelManager against the simulator', () => {
  let sim: TestSimulator;
  let api: API;
  let guildId: string;
  let creatorId: string;
  let staffRoleId: string;

  before(async () => {
    sim = await startTestSimulator();
    api = apiFor(sim);
    guildId = sim.demo.guildId;
    creatorId = Object.values(sim.demo.members)[3] ?? assert.fail('the demo guild has members');
    staffRoleId = sim.demo.roles.Staff ?? assert.fail('the demo guild has a Staff role');
  });

  after(() => sim.close());

  it('lays out the ticket categories and the archive, and does it only once', async () => {
    const manager = new TicketChannelManager({ api });
    const layout = await manager.ensureLayout(guildId, [{ channelName: 'General Support' }, { channelName: 'bug-reports' }]);
    const state = await guildState(sim, guildId);
    const [active] = byName(state, ACTIVE_TICKETS_CATEGORY);
    const [archive] = byName(state, TICKET_ARCHIVE_CATEGORY);
    assert.ok(active && active.type === ChannelType.GuildCategory);
    assert.ok(archive && archive.type === ChannelType.GuildCategory);
    for (const name of ['general-support', 'bug-reports']) {
      const channels = byName(state, name);
      assert.equal(channels.length, 1, name);
      assert.equal(channels[0]?.parent_id, active.id, name);
      assert.equal(layout.channels[name], channels[0]?.id);
    }
    assert.equal(byName(state, ARCHIVE_LOG_CHANNEL)[0]?.parent_id, archive.id);

    const again = await new TicketChannelManager({ api }).ensureLayout(guildId, [{ channelName: 'general-support' }, { channelName: 'Bug Reports' }]);
    assert.deepEqual(again, layout, 'a second manager finds the same channels');
    assert.equal((await guildState(sim, guildId)).channels.length, state.channels.length, 'nothing more was created');
  });

  it('opens private threads in each category\'s channel with the creator, the staff mention, the embed and buttons', async () => {
    const manager = new TicketChannelManager({ api });
    const opened = await Promise.all([
      manager.openThread(ticketInput(guildId, 'general-support', 101, creatorId, [staffRoleId])),
      manager.openThread(ticketInput(guildId, 'bug-reports', 102, creatorId, [staffRoleId])),
      manager.openThread(ticketInput(guildId, 'billing', 103, creatorId, [staffRoleId])),
    ]);
    const state = await guildState(sim, guildId);
    const expected = [
      ['general-support', '🎫 Ticket #101: Problem number 101'],
      ['bug-reports', '🎫 Ticket #102: Problem number 102'],
      ['billing', '🎫 Ticket #103: Problem number 103'],
    ] as const;
    for (const [index, [channelName, threadName]] of expected.entries()) {
      const result = opened[index] ?? assert.fail();
      const channel = byName(state, channelName);
      assert.equal(channel.length, 1, `one #${channelName}`);
      assert.equal(result.channelId, channel[0]?.id);
      const thread = state.threads.find((t) => t.id === result.threadId) ?? assert.fail(`thread of ${channelName}`);
      assert.equal(thread.type, ChannelType.PrivateThread);
      assert.equal(thread.parent_id, result.channelId);
      assert.equal(thread.name, threadName);
      assert.ok(thread.members.includes(creatorId), 'the creator was added');

      const messages = await messagesIn(sim, result.threadId);
      assert.equal(messages.length, 2);
      const [mention, ticket] = messages;
      assert.equal(mention?.content, `<@&${staffRoleId}>`);
      assert.deepEqual(mention?.mention_roles, [staffRoleId], 'the staff role is mentioned, which brings its members in');
      assert.equal(ticket?.id, result.messageId);
      assert.equal(ticket?.embeds[0]?.title, `🎫 Ticket #${101 + index}`);
      const buttons = ticket?.components.flatMap((row) => row.components) ?? [];
      assert.deepEqual(
        buttons.map((b) => b.custom_id ?? b.url),
        ['assign', 'close', 'pending', 'ban', 'warn'].map((a) => `tickets:${a}:t${101 + index}`).concat(`https://hub.example/tickets/t${101 + index}`),
      );
    }
  });

  it('sends no staff message when the category has no staff roles', async () => {
    const manager = new TicketChannelManager({ api });
    const opened = await manager.openThread(ticketInput(guildId, 'general-support', 104, creatorId, []));
    const messages = await messagesIn(sim, opened.threadId);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.id, opened.messageId);
  });

  it('recreates a ticket channel deleted by hand on the next open', async () => {
    const manager = new TicketChannelManager({ api });
    const first = await manager.openThread(ticketInput(guildId, 'hardware', 110, creatorId));
    await api.channels.delete(first.channelId);
    const second = await manager.openThread(ticketInput(guildId, 'hardware', 111, creatorId));
    assert.notEqual(second.channelId, first.channelId);
    const state = await guildState(sim, guildId);
    const channels = byName(state, 'hardware');
    assert.equal(channels.length, 1);
    assert.equal(channels[0]?.id, second.channelId);
    assert.equal(channels[0]?.parent_id, byName(state, ACTIVE_TICKETS_CATEGORY)[0]?.id);
    assert.equal(state.threads.find((t) => t.id === second.threadId)?.parent_id, second.channelId);
  });

  it('archives with a lock, reopens, and deletes threads, as the guild state shows', async () => {
    const manager = new TicketChannelManager({ api });
    const { threadId } = await manager.openThread(ticketInput(guildId, 'general-support', 120, creatorId));
    const thread = async () => (await guildState(sim, guildId)).threads.find((t) => t.id === threadId);

    await manager.archiveThread(threadId, { lock: true });
    assert.deepEqual(await thread().then((t) => [t?.archived, t?.locked]), [true, true]);
    await manager.reopenThread(threadId);
    assert.deepEqual(await thread().then((t) => [t?.archived, t?.locked]), [false, false]);
    await manager.archiveThread(threadId, { lock: false });
    assert.deepEqual(await thread().then((t) => [t?.archived, t?.locked]), [true, false]);
    await manager.deleteThread(threadId);
    assert.equal(await thread(), undefined);
    await manager.deleteThread(threadId);
  });

  it('posts the archive log with the summary and the transcript as a text file', async () => {
    const manager = new TicketChannelManager({ api });
    const posted = await manager.postArchiveLog(guildId, { title: 'Ticket #120 closed', description: 'Solved.' }, { fileName: 'ticket-120.txt', text: 'alice: hi\nbob: fixed' });
    const state = await guildState(sim, guildId);
    assert.equal(posted.channelId, byName(state, ARCHIVE_LOG_CHANNEL)[0]?.id);
    const [message] = (await messagesIn(sim, posted.channelId)).filter((m) => m.id === posted.messageId);
    assert.equal(message?.embeds[0]?.title, 'Ticket #120 closed');
    assert.deepEqual(message?.attachments.map((a) => a.filename), ['ticket-120.txt']);
  });

  it('explains a missing permission in one sentence', async () => {
    const { guildId: lockedGuild, members } = await sim.control<{ guildId: string; members: Record<string, string> }>('POST', '/guilds', {
      name: 'No Manage Threads',
      members: [{ username: 'owner-nt' }, { username: 'asker-nt' }],
      botPermissions: ['ViewChannel', 'SendMessages', 'ManageChannels', 'SendMessagesInThreads', 'ReadMessageHistory'],
    });
    const manager = new TicketChannelManager({ api });
    const asker = members['asker-nt'] ?? assert.fail();
    await assert.rejects(manager.openThread(ticketInput(lockedGuild, 'general-support', 1, asker)), (error: unknown) => {
      assert.ok(error instanceof TicketDiscordFailure);
      assert.match(error.message, /^I need the Manage Threads permission in <#\d+>\.$/);
      assert.equal(error.reply.referenceId, null);
      return true;
    });

    const { guildId: bare, members: bareMembers } = await sim.control<{ guildId: string; members: Record<string, string> }>('POST', '/guilds', {
      name: 'No Manage Channels',
      members: [{ username: 'owner-nm' }, { username: 'asker-nm' }],
      botPermissions: ['ViewChannel', 'SendMessages'],
    });
    await assert.rejects(manager.openThread(ticketInput(bare, 'general-support', 1, bareMembers['asker-nm'] ?? '')), /^TicketDiscordFailure: I need the Manage Channels permission\.$/);
  });
});
