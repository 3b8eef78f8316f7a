import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordAPIError } from '@discordjs/rest';
import { GatewayIntentBits, InteractionType, MessageFlags, RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { VersionedCommand } from '../../src/discord/command-versioning.ts';
import { InteractionRouter, type InteractionObserver, type InteractionRouterOptions } from '../../src/interactions/interaction-router.ts';
import type { InteractionResponder } from '../../src/interactions/interaction-responder.ts';
import type { HubModule } from '../../src/modules/hub-module.ts';
import { MemoryRateLimiter } from '../../src/rate-limit/memory-rate-limiter.ts';
import type { RateLimiter } from '../../src/rate-limit/rate-limiter.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { fakeInteraction, fakeInteractionApi } from '../support/fake-interaction-api.ts';

const command = (name: string, extra: Partial<VersionedCommand> = {}): VersionedCommand => ({
  definition: { name, description: `Does ${name}` },
  version: '1.0.0',
  module: 'probe',
  ...extra,
});

const commandInteraction = (name: string, userId = '400') => fakeInteraction({ data: { id: '1', name, type: 1, options: [] }, userId });
const contentOf = (call: { args: unknown[] } | undefined) => (call?.args[2] as { content?: string; flags?: number } | undefined) ?? {};

type Seen = { command?: string; route?: { action: string; args: string[] }; kind?: string };

function probeModule(seen: Seen, overrides: Partial<HubModule> = {}): HubModule {
  return {
    name: 'probe',
    description: 'test module',
    intents: [GatewayIntentBits.Guilds],
    commands: [command('ping'), command('old', { deprecated: { message: '', replacedBy: 'ping' } }), command('suggest')],
    async onCommand(interaction, reply) {
      seen.command = interaction.data.name;
      await reply.reply('pong');
    },
    async onComponent(_interaction, route, reply) {
      seen.route = route;
      seen.kind = 'component';
      await reply.update('updated');
    },
    async onModalSubmit(_interaction, route, reply) {
      seen.route = route;
      seen.kind = 'modal';
      await reply.replyEphemeral('thanks');
    },
    async onAutocomplete(_interaction, reply) {
      await reply.autocomplete([{ name: 'One', value: '1' }]);
    },
    ...overrides,
  };
}

function setup(modules: HubModule[], options: Partial<InteractionRouterOptions> = {}) {
  const fake = fakeInteractionApi();
  const { logger, lines } = capturedLogger();
  const events: string[] = [];
  const observer: InteractionObserver = {
    onResponded: (kind) => events.push(`responded ${kind}`),
    onDeadlineMissed: (kind) => events.push(`missed ${kind}`),
    onError: (type) => events.push(`error ${type}`),
  };
  const router = new InteractionRouter({
    modules,
    api: fake.api,
    logger,
    rateLimiter: new MemoryRateLimiter(),
    rateLimit: { capacity: 100, refillPerSecond: 100 },
    observer,
    ...options,
  });
  return { router, fake, lines, events };
}

describe('interaction router', () => {
  it('routes a slash command to the module that declares it', async () => {
    const seen: Seen = {};
    const { router, fake, events } = setup([probeModule(seen)]);
    const outcome = await router.handle(commandInteraction('ping'));
    assert.equal(seen.command, 'ping');
    assert.deepEqual({ outcome: outcome.outcome, module: outcome.module, deferred: outcome.deferredByRouter }, { outcome: 'handled', module: 'probe', deferred: false });
    assert.deepEqual(fake.methods(), ['reply']);
    assert.deepEqual(events, ['responded command']);
    assert.deepEqual(router.commands.map((c) => c.definition.name), ['ping', 'old', 'suggest']);
  });

  it('routes components and modals by owner, with action and arguments', async () => {
    const seen: Seen = {};
    const { router, fake } = setup([probeModule(seen)]);
    await router.handle(fakeInteraction({ type: InteractionType.MessageComponent, data: { custom_id: 'probe:vote:7:yes', component_type: 2 } }));
    assert.deepEqual(seen, { route: { action: 'vote', args: ['7', 'yes'] }, kind: 'component' });
    await router.handle(fakeInteraction({ type: InteractionType.ModalSubmit, data: { custom_id: 'probe:form:3', components: [] } }));
    assert.deepEqual(seen, { route: { action: 'form', args: ['3'] }, kind: 'modal' });
    assert.deepEqual(fake.methods(), ['updateMessage', 'reply']);
  });

  it('routes autocomplete by command name, outside the rate limit', async () => {
    const { router, fake } = setup([probeModule({})], { rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
    for (let i = 0; i < 3; i += 1) {
      await router.handle(fakeInteraction({ type: InteractionType.ApplicationCommandAutocomplete, data: { id: '1', name: 'suggest', type: 1, options: [] } }));
    }
    assert.deepEqual(fake.methods(), ['createAutocompleteResponse', 'createAutocompleteResponse', 'createAutocompleteResponse']);
  });

  it('answers unknown commands, components, modals and outside apps politely and ephemerally', async () => {
    const { router, fake } = setup([probeModule({})]);
    const outcomes = [
      await router.handle(commandInteraction('nope')),
      await router.handle(fakeInteraction({ type: InteractionType.MessageComponent, data: { custom_id: 'ghost:press', component_type: 2 } })),
      await router.handle(fakeInteraction({ type: InteractionType.MessageComponent, data: { custom_id: 'not a route', component_type: 2 } })),
      await router.handle(fakeInteraction({ type: InteractionType.MessageComponent, data: { custom_id: 'app.555:vote', component_type: 2 } })),
      await router.handle(fakeInteraction({ type: InteractionType.ModalSubmit, data: { custom_id: 'ghost:form', components: [] } })),
    ];
    assert.ok(outcomes.every((o) => o.outcome === 'unknown'));
    assert.ok(fake.calls.every((call) => call.method === 'reply' && contentOf(call).flags === MessageFlags.Ephemeral));
    assert.match(contentOf(fake.calls[0]).content ?? '', /`\/nope`.*`\/help`/);
    assert.match(contentOf(fake.calls[1]).content ?? '', /no longer does anything/);
    assert.match(contentOf(fake.calls[4]).content ?? '', /form can no longer be submitted/);
  });

  it('limits each user separately and says when to try again', async () => {
    const seen: Seen = {};
    const { router, fake } = setup([probeModule(seen)], { rateLimit: { capacity: 2, refillPerSecond: 0.25 } });
    await router.handle(commandInteraction('ping', 'alice'));
    await router.handle(commandInteraction('ping', 'alice'));
    const limited = await router.handle(commandInteraction('ping', 'alice'));
    const other = await router.handle(commandInteraction('ping', 'bob'));
    assert.equal(limited.outcome, 'rate-limited');
    assert.equal(other.outcome, 'handled');
    const answer = contentOf(fake.calls[2]);
    assert.equal(answer.flags, MessageFlags.Ephemeral);
    assert.equal(answer.content, "You're going a bit fast — try again in 4 s.");
  });

  it('uses the key interaction:<userId> and lets people through when the limiter fails', async () => {
    const keys: string[] = [];
    const failing: RateLimiter = {
      consume: async (key) => {
        keys.push(key);
        throw new Error('redis is down');
      },
      close: async () => undefined,
    };
    const { router, events, lines } = setup([probeModule({})], { rateLimiter: failing });
    const outcome = await router.handle(commandInteraction('ping', 'carol'));
    assert.equal(outcome.outcome, 'handled');
    assert.deepEqual(keys, ['interaction:carol']);
    assert.ok(events.includes('error rate_limiter'));
    assert.ok(lines.some((line) => line.level === 'warn' && /rate limiter failed/.test(line.msg)));
  });

  it('defers for a slow handler before the deadline; the later reply edits the deferred message', async () => {
    const slow = probeModule({}, {
      async onCommand(_interaction, reply) {
        await sleep(300);
        await reply.replyEphemeral('finally');
      },
    });
    const { router, fake } = setup([slow], { autoDeferAfterMs: 50 });
    const outcome = await router.handle(commandInteraction('ping'));
    assert.equal(outcome.deferredByRouter, true);
    assert.deepEqual(fake.methods(), ['defer', 'editReply']);
    assert.deepEqual(fake.calls[0]?.args[2], { flags: MessageFlags.Ephemeral });
    assert.equal(contentOf(fake.calls[1]).content, 'finally');
  });

  it('defers publicly when the handler expects a public reply', async () => {
    const slow = probeModule({}, {
      async onCommand(_interaction, reply: InteractionResponder) {
        reply.expectPublicReply();
        await sleep(200);
        await reply.reply('for everyone');
      },
    });
    const { router, fake } = setup([slow], { autoDeferAfterMs: 20 });
    await router.handle(commandInteraction('ping'));
    assert.deepEqual(fake.methods(), ['defer', 'editReply']);
    assert.equal(fake.calls[0]?.args[2], undefined);
  });

  it('appends the deprecation notice to a deprecated command’s reply', async () => {
    const seen: Seen = {};
    const { router, fake } = setup([probeModule(seen)]);
    await router.handle(commandInteraction('old'));
    assert.equal(seen.command, 'old');
    assert.equal(contentOf(fake.calls[0]).content, 'pong\n\n`/old` is deprecated and will be removed; use `/ping` instead.');
  });

  it('answers an unexpected failure with a reference that is also in the error log line', async () => {
    const failing = probeModule({}, {
      async onCommand() {
        throw new Error('boom');
      },
    });
    const { router, fake, lines, events } = setup([failing]);
    const outcome = await router.handle(commandInteraction('ping'));
    assert.equal(outcome.outcome, 'failed');
    const answer = contentOf(fake.calls[0]);
    assert.equal(answer.flags, MessageFlags.Ephemeral);
    const reference = /reference ([0-9A-Z]{8})/.exec(answer.content ?? '')?.[1];
    assert.ok(reference);
    assert.equal(outcome.reference, reference);
    const line = lines.find((l) => l.reference === reference);
    assert.equal(line?.level, 'error');
    assert.equal(line?.err?.message, 'boom');
    assert.equal(line?.module, 'probe');
    assert.ok(events.includes('error unexpected'));
  });

  it("answers a Discord REST failure with discordErrorReply's sentence", async () => {
    const failing = probeModule({}, {
      async onCommand() {
        throw new DiscordAPIError({ code: RESTJSONErrorCodes.MissingPermissions, message: 'Missing Permissions' }, RESTJSONErrorCodes.MissingPermissions, 403, 'POST', 'https://discord.com/api/v10/channels/1/messages', {});
      },
    });
    const { router, fake, events } = setup([failing]);
    const outcome = await router.handle(commandInteraction('ping'));
    assert.equal(outcome.reference, null);
    assert.equal(contentOf(fake.calls[0]).content, "I'm missing a permission.");
    assert.ok(events.includes('error discord'));
  });

  it('after a deferral, the failure message edits the deferred reply', async () => {
    const failing = probeModule({}, {
      async onCommand(_interaction, reply) {
        await reply.defer({ ephemeral: true });
        throw new Error('late boom');
      },
    });
    const { router, fake } = setup([failing]);
    await router.handle(commandInteraction('ping'));
    assert.deepEqual(fake.methods(), ['defer', 'editReply']);
    assert.match(contentOf(fake.calls[1]).content ?? '', /reference [0-9A-Z]{8}/);
  });

  it('answers for a handler that returned without answering', async () => {
    const silent = probeModule({}, {
      async onCommand() {},
      async onComponent() {},
    });
    const { router, fake, lines } = setup([silent]);
    await router.handle(commandInteraction('ping'));
    await router.handle(fakeInteraction({ type: InteractionType.MessageComponent, data: { custom_id: 'probe:x', component_type: 2 } }));
    assert.deepEqual(fake.methods(), ['reply', 'deferMessageUpdate']);
    assert.equal(contentOf(fake.calls[0]).content, 'Done.');
    assert.equal(lines.filter((l) => /returned without answering/.test(l.msg)).length, 2);
  });

  it('reports a late acknowledgement through its time, without calling it a missed deadline', async () => {
    const created = Date.now();
    let clock = created;
    // The handler answers 3.5 s after creation by the injected clock; the deferral timer is pushed out of the way.
    const late = probeModule({}, {
      async onCommand(_interaction, reply) {
        clock += 3_500;
        await reply.reply('late');
      },
    });
    const { router, events } = setup([late], { now: () => clock, autoDeferAfterMs: 60_000 });
    const outcome = await router.handle(fakeInteraction({ at: created, data: { id: '1', name: 'ping', type: 1 } }), { receivedAt: created });
    assert.equal(outcome.acknowledgedAfterMs, 3_500);
    assert.deepEqual(events, ['responded command']);
  });

  it('reports a missed deadline when Discord no longer knows the interaction, and does not try to answer', async () => {
    const { router, fake, events } = setup([probeModule({})]);
    fake.failNext('reply', new DiscordAPIError({ code: RESTJSONErrorCodes.UnknownInteraction, message: 'Unknown interaction' }, RESTJSONErrorCodes.UnknownInteraction, 404, 'POST', 'https://discord.com/api/v10/interactions/1/t/callback', {}));
    const outcome = await router.handle(commandInteraction('ping'));
    assert.equal(outcome.outcome, 'failed');
    assert.deepEqual(fake.methods(), ['reply']);
    assert.deepEqual(events, ['missed command', 'error discord']);
  });

  it('refuses an inconsistent module list at construction', () => {
    const base = probeModule({});
    assert.throws(() => setup([base, { ...base }]), /two enabled modules are named "probe"/);
    assert.throws(() => setup([base, { ...base, name: 'other' }]), /\/ping is declared by both "probe" and "other"/);
    assert.throws(() => setup([{ ...base, onCommand: undefined }]), /has no onCommand handler/);
  });

  it('waits for interactions in flight when draining', async () => {
    const slow = probeModule({}, {
      async onCommand(_interaction, reply) {
        await sleep(100);
        await reply.reply('ok');
      },
    });
    const { router } = setup([slow]);
    const handling = router.handle(commandInteraction('ping'));
    assert.equal(router.inFlight, 1);
    assert.equal(await router.drain(5_000), true);
    assert.equal(router.inFlight, 0);
    await handling;
  });
});

describe("interaction router: a guild's own rules", () => {
  const policy = (overrides: Partial<{ disabledModules: string[]; disabledCommands: string[]; capacity: number }> = {}) => async () => ({
    disabledModules: overrides.disabledModules ?? [],
    disabledCommands: overrides.disabledCommands ?? [],
    rateLimit: { capacity: overrides.capacity ?? 100, refillPerSecond: 0.001 },
  });

  it('a module switched off in the guild: its commands and components are refused with how to turn it on', async () => {
    const seen: Seen = {};
    const { router, fake } = setup([probeModule(seen)], { guildPolicy: policy({ disabledModules: ['probe'] }) });
    await router.handle(commandInteraction('ping'));
    await router.handle(fakeInteraction({ type: InteractionType.MessageComponent, data: { custom_id: 'probe:press', component_type: 2 } }));
    assert.equal(seen.command, undefined);
    assert.equal(seen.route, undefined);
    assert.match(contentOf(fake.calls[0]).content ?? '', /probe module is switched off in this server.*\/config set modules\.probe true/);
    assert.equal(fake.calls.length, 2);
  });

  it('a command switched off is refused; the others work', async () => {
    const seen: Seen = {};
    const { router, fake } = setup([probeModule(seen)], { guildPolicy: policy({ disabledCommands: ['suggest'] }) });
    await router.handle(commandInteraction('suggest'));
    assert.match(contentOf(fake.calls[0]).content ?? '', /\/suggest is switched off in this server/);
    await router.handle(commandInteraction('ping'));
    assert.equal(seen.command, 'ping');
  });

  it("the core and config modules cannot be switched off", async () => {
    const seen: Seen = {};
    const { router } = setup([probeModule(seen, { name: 'config' })], { guildPolicy: policy({ disabledModules: ['config'] }) });
    await router.handle(commandInteraction('ping'));
    assert.equal(seen.command, 'ping');
  });

  it("the guild's budget replaces the hub-wide one", async () => {
    const seen: Seen = {};
    const { router } = setup([probeModule(seen)], { guildPolicy: policy({ capacity: 2 }) });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await router.handle(commandInteraction('ping', '777'))).outcome);
    assert.deepEqual(outcomes, ['handled', 'handled', 'rate-limited']);
  });

  it('a configuration that cannot be read lets the hub-wide rules apply and is logged', async () => {
    const seen: Seen = {};
    const { router, lines } = setup([probeModule(seen)], {
      guildPolicy: async () => {
        throw new Error('database down');
      },
    });
    await router.handle(commandInteraction('ping'));
    assert.equal(seen.command, 'ping');
    assert.ok(lines.some((line) => /configuration could not be read/.test(line.msg)));
  });
});
