/**
 * The interaction layer end to end: a @discordjs/core bot connected to the simulator forwards every
 * INTERACTION_CREATE to an InteractionRouter, and the simulator plays the user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentType, GatewayIntentBits, MessageFlags, type APIInteraction } from 'discord-api-types/v10';
import { startSimulator, type Simulator } from 'discord-sim';
import type { VersionedCommand } from '../../src/discord/command-versioning.ts';
import { buildCustomId } from '../../src/interactions/custom-id.ts';
import { InteractionRouter } from '../../src/interactions/interaction-router.ts';
import { createCoreModule } from '../../src/modules/core/core-module.ts';
import type { HubModule } from '../../src/modules/hub-module.ts';
import { MemoryRateLimiter } from '../../src/rate-limit/memory-rate-limiter.ts';
import type { RateLimitRule } from '../../src/rate-limit/rate-limiter.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { sampleStatus } from '../support/sample-bot-status.ts';
import { connectBot, control, runInteraction, waitFor, type SimBot } from '../support/sim-bot.ts';

const probeCommand = (name: string, extra: Partial<VersionedCommand> = {}): VersionedCommand => ({
  definition: { name, description: `The ${name} probe` },
  version: '2.0.1',
  module: 'probe',
  ...extra,
});

const probe: HubModule = {
  name: 'probe',
  description: 'commands for the tests',
  intents: [GatewayIntentBits.Guilds],
  commands: [
    probeCommand('ping'),
    probeCommand('slow'),
    probeCommand('boom'),
    probeCommand('old', { deprecated: { message: 'It goes away next month.', replacedBy: '/ping' } }),
  ],
  async onCommand(interaction, reply) {
    switch (interaction.data.name) {
      case 'slow':
        await sleep(4_000);
        await reply.reply('finally done');
        return;
      case 'boom':
        throw new Error('the probe exploded');
      default:
        await reply.reply('pong');
    }
  },
};

describe('interactions against the simulator', () => {
  let sim: Simulator;
  let bot: SimBot;
  let router: InteractionRouter;
  let ids: { guildId: string; channels: Record<string, string>; members: Record<string, string> };
  const { logger, lines } = capturedLogger('info');

  const buildRouter = (rateLimit: RateLimitRule) => {
    const built: InteractionRouter = new InteractionRouter({
      modules: [createCoreModule({ commands: () => built.commands, status: () => sampleStatus() }), probe],
      api: bot.api,
      logger,
      rateLimiter: new MemoryRateLimiter(),
      rateLimit,
    });
    return built;
  };
  const command = (name: string, user = 'alice') => runInteraction(sim, { kind: 'command', name, channelId: ids.channels.general, userId: ids.members[user] });

  before(async () => {
    sim = await startSimulator({ port: 0 });
    ids = await control(sim, 'POST', '/guilds', { name: 'Probe Guild', channels: [{ name: 'general' }], members: [{ username: 'owner' }, { username: 'alice' }, { username: 'bob' }] });
    bot = await connectBot(sim, (interaction: APIInteraction, receivedAt) => void router.handle(interaction, { receivedAt }));
    router = buildRouter({ capacity: 100, refillPerSecond: 100 });
    await bot.api.applicationCommands.bulkOverwriteGlobalCommands(sim.applicationId, router.commands.map((c) => c.definition));
  });

  after(async () => {
    await router.drain(10_000);
    await bot.stop();
    await sim.close();
  });

  it('/help lists the commands with versions, ephemerally, marking the deprecated one', async () => {
    const result = await command('help');
    assert.equal(result.callback?.type, 4);
    assert.equal(result.callback?.data?.flags, MessageFlags.Ephemeral);
    const content = result.callback?.data?.content ?? '';
    assert.ok(content.includes('`/help` (1.0.0) — Lists my commands and what they do'), content);
    assert.ok(content.includes('`/status` (1.0.0)'));
    assert.ok(content.includes('`/ping` (2.0.1) — The ping probe'));
    assert.ok(content.includes('`/old` (2.0.1) — The old probe *Deprecated: use `/ping` instead.*'));
  });

  it('/status shows the bot status in an ephemeral embed', async () => {
    const result = await command('status');
    assert.equal(result.callback?.type, 4);
    assert.equal(result.callback?.data?.flags, MessageFlags.Ephemeral);
    const fields = (result.callback?.data?.embeds?.[0]?.fields ?? []) as Array<{ name: string; value: string }>;
    const value = (prefix: string) => fields.find((f) => f.name.startsWith(prefix))?.value;
    assert.equal(value('State'), 'Connected');
    assert.equal(value('Servers'), '3');
    assert.equal(value('Latency'), '42 ms');
    assert.equal(value('Uptime'), '3 h 5 min');
    assert.equal(value('Modules'), 'on: core\noff: tickets — needs the Message Content intent');
  });

  it('answers a component nobody owns ephemerally', async () => {
    const message = await bot.api.channels.createMessage(ids.channels.general ?? '', {
      content: 'A button from a module that is gone',
      components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: 1, label: 'Press', custom_id: buildCustomId('ghost', 'press', '1') }] }],
    });
    const result = await runInteraction(sim, { kind: 'component', messageId: message.id, customId: 'ghost:press:1', userId: ids.members.bob });
    assert.equal(result.callback?.type, 4);
    assert.equal(result.callback?.data?.flags, MessageFlags.Ephemeral);
    assert.match(result.callback?.data?.content ?? '', /no longer does anything/);
  });

  it('tells a user who is going too fast when to try again', async () => {
    const relaxed = router;
    router = buildRouter({ capacity: 2, refillPerSecond: 0.25 });
    try {
      assert.equal((await command('ping', 'bob')).callback?.data?.content, 'pong');
      assert.equal((await command('ping', 'bob')).callback?.data?.content, 'pong');
      const limited = await command('ping', 'bob');
      assert.equal(limited.callback?.type, 4);
      assert.equal(limited.callback?.data?.flags, MessageFlags.Ephemeral);
      assert.match(limited.callback?.data?.content ?? '', /^You're going a bit fast — try again in [1-4] s\.$/);
      assert.equal((await command('ping', 'alice')).callback?.data?.content, 'pong', 'other users keep their own budget');
    } finally {
      await router.drain(5_000);
      router = relaxed;
    }
  });

  it('defers a slow handler in time; its reply becomes the edited original', async () => {
    const result = await command('slow');
    assert.equal(result.deadlineMissed, false);
    assert.equal(result.callback?.type, 5);
    const original = await waitFor(async () => {
      const record = await control<{ originalMessageId: string | null }>(sim, 'GET', `/interactions/${result.interactionId}`);
      if (!record.originalMessageId) return undefined;
      const messages = await control<Array<{ id: string; content: string }>>(sim, 'GET', `/channels/${ids.channels.general}/messages`);
      const message = messages.find((m) => m.id === record.originalMessageId);
      return message?.content ? message : undefined;
    }, 'the edited original', 15_000);
    assert.equal(original.content, 'finally done');
  });

  it('runs a deprecated command and adds the notice to its answer', async () => {
    const result = await command('old');
    assert.equal(result.callback?.type, 4);
    assert.equal(result.callback?.data?.content, 'pong\n\n`/old` is deprecated and will be removed; use `/ping` instead. It goes away next month.');
  });

  it('answers a failing handler with a reference that is also in the log line', async () => {
    const result = await command('boom');
    assert.equal(result.callback?.type, 4);
    assert.equal(result.callback?.data?.flags, MessageFlags.Ephemeral);
    const reference = /reference ([0-9A-Z]{8})/.exec(result.callback?.data?.content ?? '')?.[1];
    assert.ok(reference, result.callback?.data?.content);
    const line = lines.find((l) => l.reference === reference);
    assert.equal(line?.level, 'error');
    assert.equal(line?.msg, 'the interaction handler failed');
    assert.equal(line?.err?.message, 'the probe exploded');
    assert.equal(line?.subject, '/boom');
  });
});
