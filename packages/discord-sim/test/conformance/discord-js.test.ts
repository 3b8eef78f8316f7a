/** discord.js v14, unmodified, against the simulator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { Interaction, Message, TextChannel } from 'discord.js';
import type { Simulator } from '../../src/index.ts';
import { control, createTestGuild, waitFor, withSim } from '../support/sim-helpers.ts';

const intents = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
];

function makeClient(sim: Simulator, extra: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client {
  return new Client({ intents, rest: { api: sim.apiBase }, ...extra });
}

async function loggedIn(sim: Simulator, client: Client = makeClient(sim)): Promise<Client<true>> {
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(sim.botToken);
  return ready;
}

interface InteractionResult {
  interactionId: string;
  callback: { type: number; data: Record<string, unknown> | null } | null;
  deadlineMissed: boolean;
}

async function withClient(fn: (sim: Simulator, client: Client<true>, ids: Awaited<ReturnType<typeof createTestGuild>>) => Promise<void>): Promise<void> {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const client = await loggedIn(sim);
    try {
      await fn(sim, client, ids);
    } finally {
      await client.destroy();
    }
  });
}

test('discord.js logs in: READY, the guild with its channels, roles and members', async () => {
  await withClient(async (sim, client, ids) => {
    assert.equal(client.user.id, sim.botUserId);
    assert.equal(client.application.id, sim.applicationId);
    const guild = client.guilds.cache.get(ids.guildId);
    assert.ok(guild);
    assert.equal(guild.name, 'Test Guild');
    assert.ok(guild.channels.cache.get(ids.channels.general ?? '')?.isTextBased());
    assert.ok(guild.roles.cache.find((r) => r.name === 'Helper'));
    assert.equal(guild.members.cache.get(ids.members.alice ?? '')?.user.username, 'alice');
    assert.equal(guild.members.me?.permissions.has('ManageThreads'), true);
    assert.equal(guild.members.me?.permissions.has('Administrator'), false);
  });
});

test('message events: a user message arrives, the bot replies, edits, reacts and deletes', async () => {
  await withClient(async (sim, client, ids) => {
    const received = new Promise<Message>((resolve) => client.on(Events.MessageCreate, (m) => m.author.id !== client.user.id && resolve(m)));
    await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: `hi <@${client.user.id}>` });
    const message = await received;
    assert.equal(message.content, `hi <@${client.user.id}>`);
    assert.equal(message.author.username, 'alice');
    assert.ok(message.mentions.users.has(client.user.id));
    assert.equal(message.member?.id, ids.members.alice);

    const reply = await message.reply('hello alice');
    assert.equal(reply.reference?.messageId, message.id);
    const updated = new Promise<void>((resolve) => client.on(Events.MessageUpdate, (_old, m) => m.id === reply.id && resolve()));
    await reply.edit('hello again');
    await updated;
    await message.react('👍');
    const deleted = new Promise<void>((resolve) => client.on(Events.MessageDelete, (m) => m.id === reply.id && resolve()));
    await reply.delete();
    await deleted;

    const stored = await control<Array<{ id: string; content: string; reactions?: Array<{ emoji: { name: string }; count: number }> }>>(sim, 'GET', `/channels/${ids.channels.general}/messages`);
    assert.deepEqual(stored.map((m) => m.content), [`hi <@${client.user.id}>`]);
    assert.equal(stored[0]?.reactions?.[0]?.emoji.name, '👍');

    const reaction = new Promise<string>((resolve) => client.on(Events.MessageReactionAdd, (r, user) => resolve(`${r.emoji.name} ${user.id}`)));
    await control(sim, 'POST', '/reactions', { messageId: message.id, userId: ids.members.bob, emoji: '🎉' });
    assert.equal(await reaction, `🎉 ${ids.members.bob}`);
  });
});

test('slash commands: reply, deferReply + editReply, and followUp', async () => {
  await withClient(async (sim, client, ids) => {
    await client.application.commands.set(
      [
        { name: 'ping', description: 'Replies with pong' },
        { name: 'slow', description: 'Defers, then edits', options: [{ type: 3, name: 'topic', description: 'What about', required: true }] },
      ],
      ids.guildId,
    );
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      if (interaction.commandName === 'ping') {
        await interaction.reply({ content: `pong for ${interaction.user.username}`, flags: MessageFlags.Ephemeral });
      } else {
        await interaction.deferReply();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await interaction.editReply(`about ${interaction.options.getString('topic', true)}`);
        await interaction.followUp('and one more thing');
      }
    });
    const ping = await control<InteractionResult>(sim, 'POST', '/interactions', { kind: 'command', name: 'ping', channelId: ids.channels.general, userId: ids.members.alice });
    assert.equal(ping.deadlineMissed, false);
    assert.equal(ping.callback?.type, 4);
    assert.equal(ping.callback?.data?.content, 'pong for alice');
    assert.equal(ping.callback?.data?.flags, MessageFlags.Ephemeral);

    const slow = await control<InteractionResult>(sim, 'POST', '/interactions', { name: 'slow', options: { topic: 'threads' }, channelId: ids.channels.general, userId: ids.members.bob });
    assert.equal(slow.callback?.type, 5);
    const messages = await waitFor(async () => {
      const list = await control<Array<{ content: string; flags: number; type: number; interaction_metadata?: { id: string } }>>(sim, 'GET', `/channels/${ids.channels.general}/messages`);
      return list.length >= 3 && list.some((m) => m.content === 'and one more thing') ? list : undefined;
    }, 'the edited reply and the follow-up');
    const edited = messages.find((m) => m.content === 'about threads');
    assert.ok(edited, 'the deferred reply was filled in');
    assert.equal(edited.flags & (1 << 7), 0, 'the loading flag is gone');
    assert.equal(edited.type, 20);
    assert.equal(edited.interaction_metadata?.id, slow.interactionId);
  });
});

test('buttons and modals: update the message, show a modal, read the submitted fields', async () => {
  await withClient(async (sim, client, ids) => {
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      if (interaction.isButton() && interaction.customId === 'count') {
        await interaction.update({ content: 'clicked once', components: [] });
      } else if (interaction.isButton() && interaction.customId === 'feedback') {
        const input = new TextInputBuilder().setCustomId('text').setLabel('Your feedback').setStyle(TextInputStyle.Paragraph);
        await interaction.showModal(new ModalBuilder().setCustomId('feedback-modal').setTitle('Feedback').addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input)));
      } else if (interaction.isModalSubmit()) {
        await interaction.reply(`thanks: ${interaction.fields.getTextInputValue('text')}`);
      }
    });
    const channel = client.channels.cache.get(ids.channels.general ?? '') as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('count').setLabel('Count').setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setCustomId('feedback').setLabel('Feedback').setStyle(ButtonStyle.Secondary),
    );
    const panel = await channel.send({ content: 'panel', components: [row] });

    const modal = await control<InteractionResult>(sim, 'POST', '/interactions', { kind: 'component', messageId: panel.id, customId: 'feedback', userId: ids.members.alice });
    assert.equal(modal.callback?.type, 9);
    assert.equal(modal.callback?.data?.custom_id, 'feedback-modal');
    const submitted = await control<InteractionResult>(sim, 'POST', '/interactions', { kind: 'modal', customId: 'feedback-modal', fields: { text: 'great' }, channelId: channel.id, userId: ids.members.alice });
    assert.equal(submitted.callback?.type, 4);
    assert.equal(submitted.callback?.data?.content, 'thanks: great');

    const click = await control<InteractionResult>(sim, 'POST', '/interactions', { kind: 'component', messageId: panel.id, customId: 'count', userId: ids.members.bob });
    assert.equal(click.callback?.type, 7);
    const after = await control<Array<{ id: string; content: string; components: unknown[] }>>(sim, 'GET', `/channels/${channel.id}/messages`);
    const edited = after.find((m) => m.id === panel.id);
    assert.equal(edited?.content, 'clicked once');
    assert.deepEqual(edited?.components, []);
  });
});

test('threads: create public and private threads, archive, add members', async () => {
  await withClient(async (sim, client, ids) => {
    const channel = client.channels.cache.get(ids.channels.support ?? '') as TextChannel;
    const created = new Promise<string>((resolve) => client.on(Events.ThreadCreate, (t) => resolve(t.id)));
    const thread = await channel.threads.create({ name: 'Question 1', type: ChannelType.PublicThread, autoArchiveDuration: 1440 });
    assert.equal(await created, thread.id);
    await thread.members.add(ids.members.alice ?? '');
    await thread.send('Welcome to your thread');
    const privateThread = await channel.threads.create({ name: 'Staff only', type: ChannelType.PrivateThread, invitable: false });
    assert.equal(privateThread.type, ChannelType.PrivateThread);
    await thread.setLocked(true);
    await thread.setArchived(true);
    const fromMessage = await (await channel.send('start here')).startThread({ name: 'From a message' });

    const snapshot = await control<{ threads: Array<{ id: string; name: string; archived: boolean; locked: boolean; members: string[] }> }>(sim, 'GET', `/guilds/${ids.guildId}`);
    const saved = snapshot.threads.find((t) => t.id === thread.id);
    assert.equal(saved?.archived, true);
    assert.equal(saved?.locked, true);
    assert.ok(saved?.members.includes(ids.members.alice ?? ''));
    assert.ok(snapshot.threads.some((t) => t.id === fromMessage.id && t.name === 'From a message'));
    const active = await channel.guild.channels.fetchActiveThreads();
    assert.deepEqual([...active.threads.keys()].sort(), [privateThread.id, fromMessage.id].sort());
  });
});

test('a 429 is honoured: discord.js waits for Retry-After and the retry succeeds', async () => {
  await withClient(async (sim, client, ids) => {
    await control(sim, 'POST', '/faults', { kind: 'ratelimit', method: 'POST', route: '/channels/:id/messages', times: 1, retryAfterMs: 400 });
    const channel = client.channels.cache.get(ids.channels.general ?? '') as TextChannel;
    const started = Date.now();
    const message = await channel.send('after the limit');
    assert.equal(message.content, 'after the limit');
    assert.ok(Date.now() - started >= 350, 'waited for Retry-After');
    const stats = await control<{ rest: { requests: Record<string, Record<string, number>>; invalidRequests: { lastWindow: number } } }>(sim, 'GET', '/stats');
    assert.deepEqual(stats.rest.requests['POST /channels/:channelId/messages'], { '200': 1, '429': 1 });
    assert.equal(stats.rest.invalidRequests.lastWindow, 1);
  });
});

test('after close 4000 discord.js resumes and receives what was dispatched meanwhile', async () => {
  await withClient(async (sim, client, ids) => {
    const contents: string[] = [];
    client.on(Events.MessageCreate, (m) => contents.push(m.content));
    await control(sim, 'POST', '/faults', { kind: 'close', code: 4000, holdMs: 500 });
    await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: 'during the outage' });
    await waitFor(() => contents.includes('during the outage'), 'the replayed message');
    await control(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: 'after' });
    await waitFor(() => contents.includes('after'), 'the live message');
    assert.deepEqual(contents, ['during the outage', 'after']);
    const stats = await control<{ gateway: { identifies: number; resumes: number } }>(sim, 'GET', '/stats');
    assert.equal(stats.gateway.identifies, 1);
    assert.equal(stats.gateway.resumes, 1);
  });
});

test('disallowed intents (4014) and a rejected token (4004) are not retried', async () => {
  await withSim({ application: { privilegedIntents: ['GuildMembers'] } }, async (sim) => {
    await createTestGuild(sim);
    const client = makeClient(sim);
    await assert.rejects(client.login(sim.botToken), /disallowed intents/i);
    await client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const afterDisallowed = await control<{ gateway: { identifies: number; connectedSessions: number } }>(sim, 'GET', '/stats');
    assert.equal(afterDisallowed.gateway.identifies, 1);
    assert.equal(afterDisallowed.gateway.connectedSessions, 0);

    await control(sim, 'POST', '/applications/@me', { privilegedIntents: ['GuildMembers', 'MessageContent'] });
    const second = await loggedIn(sim);
    await control(sim, 'POST', '/stats/reset');
    await control(sim, 'POST', '/faults', { kind: 'close', code: 4004 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const afterRejected = await control<{ gateway: { identifies: number; resumes: number; connectedSessions: number } }>(sim, 'GET', '/stats');
    assert.equal(afterRejected.gateway.identifies + afterRejected.gateway.resumes, 0);
    assert.equal(afterRejected.gateway.connectedSessions, 0);
    await second.destroy();
  });
});

test('a wrong token is refused by REST with 401 and discord.js reports an invalid token', async () => {
  await withSim({}, async (sim) => {
    const client = makeClient(sim);
    await assert.rejects(client.login('not-the-token'), /token/i);
    await client.destroy();
  });
});
