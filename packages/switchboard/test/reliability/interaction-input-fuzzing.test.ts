/**
 * Reliability: slash-command, component and modal input fuzzing through the simulator. Every registered
 * command of every module (each subcommand) is run with odd Unicode (RTL overrides, zero-width characters,
 * emoji, combining marks, lone surrogates), values at their maximum length, and with its optional options
 * missing; buttons and modals with custom_ids no module knows are used too. Every interaction must get an
 * answer within Discord's deadline — never the "This interaction failed" a user sees when none comes.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import fc from 'fast-check';
import { describeEachDatabase } from '../support/databases.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';
import { startConnectedHub, type ConnectedHub } from './support/in-process-hub.ts';

type Option = { type: number; name: string; required?: boolean; choices?: { value: string | number }[]; options?: Option[]; channel_types?: number[]; min_value?: number; max_value?: number; max_length?: number; min_length?: number };
type Command = { name: string; options?: Option[] };
type Answer = { callback: { type: number; data?: { content?: string; embeds?: unknown[]; custom_id?: string } } | null; deadlineMissed: boolean };

const Opt = { Subcommand: 1, Group: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10, Attachment: 11 } as const;

const ODD_TEXT = fc.oneof(
  fc.constantFrom('\u202Egnp.exe\u202C', 'a\u200B\u200C\u200D\uFEFFb', '🏳️‍🌈👩‍👩‍👧‍👦🧑🏽‍🚀', 'e\u0301\u0302\u0303\u0304\u0305\u0306', 'Z̷̢̛̙̫̓a̸̡̛̖͕l̵̨̛͎g̶̛̗o̷̧̢', '\uD800', 'x\uDC00y', 'مرحبا بالعالم', '@everyone <@&1> <#1>', '`\u0000`', ' ', '\n\n\n'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
);

/** Every runnable path of a command: `name`, `name sub`, `name group sub`, with the leaf's options. */
function leaves(command: Command): { path: string; options: Option[] }[] {
  const options = command.options ?? [];
  const subcommands = options.filter((o) => o.type === Opt.Subcommand || o.type === Opt.Group);
  if (subcommands.length === 0) return [{ path: command.name, options }];
  return subcommands.flatMap((sub) =>
    sub.type === Opt.Subcommand
      ? [{ path: `${command.name} ${sub.name}`, options: sub.options ?? [] }]
      : (sub.options ?? []).map((leaf) => ({ path: `${command.name} ${sub.name} ${leaf.name}`, options: leaf.options ?? [] })),
  );
}

describeEachDatabase('reliability: interaction input fuzzing', ({ it, open }) => {
  let sim: TestSimulator;
  let connected: ConnectedHub;
  let channels: { id: string; type: number }[];
  let roleId: string;

  before(async () => {
    sim = await startTestSimulator({ heartbeatIntervalMs: 2_000 });
    connected = await startConnectedHub(await open(), sim, { USER_RATE_LIMIT_BURST: '10000', USER_RATE_LIMIT_PER_MINUTE: '10000' });
    await eventually(async () => (await sim.control<Command[]>('GET', `/commands?guildId=${sim.demo.guildId}`)).length > 0, 'the commands are registered', 15_000);
    await raiseBudget();
    const guild = await sim.control<{ channels: { id: string; type: number }[]; roles: { id: string }[] }>('GET', `/guilds/${sim.demo.guildId}`);
    channels = guild.channels;
    roleId = Object.values(sim.demo.roles)[0]!;
  });
  after(async () => {
    await connected?.hub.stop();
    await sim?.close();
  });

  /** The guild's own budget (20 commands a minute per member) would answer most of the run "going a bit fast"; `/config reset` restores it. */
  async function raiseBudget(): Promise<void> {
    const raised = await fetch(`${connected.url}/api/v1/guilds/${sim.demo.guildId}/config`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${connected.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimits: { commandsPerMinute: 600 } }),
    });
    assert.equal(raised.status, 200, await raised.clone().text());
  }

  const owner = () => sim.demo.ownerId;

  function valueFor(option: Option, text: string, maximal: boolean): unknown {
    if (option.choices && option.choices.length > 0) return option.choices[maximal ? option.choices.length - 1 : 0]!.value;
    switch (option.type) {
      case Opt.String: {
        const max = option.max_length ?? 6_000;
        const min = option.min_length ?? 0;
        const value = maximal ? text.repeat(Math.ceil(max / Math.max(1, text.length))).slice(0, max) : text.slice(0, max);
        return value.length >= min ? value : value.padEnd(min, '\u200B');
      }
      case Opt.Integer:
        return maximal ? (option.max_value ?? 2 ** 53 - 1) : (option.min_value ?? -(2 ** 53 - 1));
      case Opt.Number:
        return maximal ? (option.max_value ?? 1e300) : (option.min_value ?? -1e300);
      case Opt.Boolean:
        return maximal;
      case Opt.User:
      case Opt.Mentionable:
        return maximal ? sim.demo.members.ada : owner();
      case Opt.Role:
        return roleId;
      case Opt.Channel: {
        const wanted = option.channel_types ?? [0];
        return (channels.find((c) => wanted.includes(c.type)) ?? channels[0]!).id;
      }
      default:
        return undefined;
    }
  }

  it('every command of every module answers odd, maximal and missing input in time', async () => {
    const commands = await sim.control<Command[]>('GET', `/commands?guildId=${sim.demo.guildId}`);
    const texts = fc.sample(ODD_TEXT, { numRuns: 200, seed: 8 });
    const failures: string[] = [];
    let runs = 0;
    let textIndex = 0;
    for (const command of commands) {
      for (const leaf of leaves(command)) {
        if (leaf.options.some((o) => o.type === Opt.Attachment && o.required)) continue; // the simulator cannot upload
        const fillable = leaf.options.filter((o) => o.type !== Opt.Attachment);
        const variants = [
          { label: 'optional options missing', options: fillable.filter((o) => o.required), maximal: false },
          { label: 'every option, odd Unicode', options: fillable, maximal: false },
          { label: 'every option, maximum values', options: fillable, maximal: true },
        ];
        for (const variant of variants) {
          const text = texts[textIndex++ % texts.length]!;
          const options = Object.fromEntries(variant.options.map((o) => [o.name, valueFor(o, text, variant.maximal)]));
          const answer = await sim.control<Answer>('POST', '/interactions', { kind: 'command', name: leaf.path, channelId: sim.demo.channels['bot-commands'], userId: owner(), options });
          runs += 1;
          if (command.name === 'config') await raiseBudget();
          if (/going a bit fast/.test(answer.callback?.data?.content ?? '')) failures.push(`/${leaf.path} (${variant.label}) was rate limited, so its input was never tried`);
          if (answer.deadlineMissed || !answer.callback) failures.push(`/${leaf.path} (${variant.label}, ${JSON.stringify(text)}): no answer in time`);
        }
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${runs} interactions went unanswered`);
    assert.ok(runs >= 3 * commands.length, `only ${runs} interactions for ${commands.length} commands`);
  });

  it('buttons and modals with custom_ids no module knows get a clear answer', async () => {
    const customIds = [
      'totally-unknown',
      'app.ghost:join:1',
      'attendance:answer:999999:yes',
      'ticket:close:999999',
      ':::',
      '\u202Egnp\u200B',
      '🧨'.repeat(25),
      'x'.repeat(100),
      'e\u0301'.repeat(50),
    ];
    const response = await fetch(`${sim.apiBase}/v10/channels/${sim.demo.channels['bot-commands']}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${SIM_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        content: 'buttons no module owns',
        components: [0, 1].map((row) => ({ type: 1, components: customIds.slice(row * 5, row * 5 + 5).map((customId) => ({ type: 2, style: 1, label: 'x', custom_id: customId })) })),
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const message = (await response.json()) as { id: string };
    const failures: string[] = [];
    for (const customId of customIds) {
      const click = await sim.control<Answer>('POST', '/interactions', { kind: 'component', messageId: message.id, customId, userId: sim.demo.members.ada });
      if (click.deadlineMissed || !click.callback) failures.push(`button ${JSON.stringify(customId)}: no answer in time`);
      const modal = await sim.control<Answer>('POST', '/interactions', { kind: 'modal', customId, channelId: sim.demo.channels['bot-commands'], userId: sim.demo.members.ada, fields: { field: '\u202E\uD800 odd' } });
      if (modal.deadlineMissed || !modal.callback) failures.push(`modal ${JSON.stringify(customId)}: no answer in time`);
    }
    assert.deepEqual(failures, []);
  });
});
