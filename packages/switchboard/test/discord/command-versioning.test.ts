import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption, type APIApplicationCommandOption } from 'discord-api-types/v10';
import { COMMAND_CHOICES_MAX, COMMAND_DESCRIPTION_MAX, COMMAND_NAME_MAX, COMMAND_OPTIONS_MAX, GLOBAL_CHAT_COMMANDS_MAX } from 'discord-limits';
import {
  commandSetHash,
  deprecationNotice,
  isSemver,
  validateCommandSet,
  type VersionedCommand,
} from '../../src/discord/command-versioning.ts';

function command(name: string, overrides: Partial<VersionedCommand> = {}, options?: APIApplicationCommandOption[]): VersionedCommand {
  return {
    definition: { name, description: `The ${name} command`, ...(options ? { options } : {}) },
    version: '1.0.0',
    module: 'core',
    ...overrides,
  };
}

const text = (name: string, required = false): APIApplicationCommandBasicOption => ({
  type: ApplicationCommandOptionType.String,
  name,
  description: `The ${name}`,
  required,
});

function messages(commands: VersionedCommand[]): string[] {
  return validateCommandSet(commands).map((problem) => problem.message);
}

describe('isSemver', () => {
  it('accepts semantic versions and rejects near misses', () => {
    for (const version of ['0.0.0', '1.2.3', '10.20.30', '1.0.0-alpha.1', '1.0.0-0.3.7', '1.0.0+build.5', '1.0.0-rc.1+sha.abc']) {
      assert.ok(isSemver(version), version);
    }
    for (const version of ['1.0', 'v1.0.0', '01.0.0', '1.0.0-', '1.0.0-01', '1.0.0+', '1.0.0 ', '', '1.0.0-alpha..1']) {
      assert.ok(!isSemver(version), version);
    }
  });
});

describe('commandSetHash', () => {
  it('does not change with key order or command order', () => {
    const a: VersionedCommand = { definition: { name: 'ping', description: 'Pong', options: [text('target')] }, version: '1.0.0', module: 'core' };
    const b: VersionedCommand = {
      module: 'core',
      version: '1.0.0',
      definition: { options: [{ required: false, description: 'The target', name: 'target', type: ApplicationCommandOptionType.String }], description: 'Pong', name: 'ping' },
    };
    assert.equal(commandSetHash([a]), commandSetHash([b]));
    assert.equal(commandSetHash([a, command('help')]), commandSetHash([command('help'), b]));
    assert.match(commandSetHash([a]), /^[0-9a-f]{64}$/);
  });

  it('changes with a definition change or a version bump, not with the module or a deprecation', () => {
    const base = command('ping');
    const hash = commandSetHash([base]);
    assert.notEqual(commandSetHash([{ ...base, version: '1.0.1' }]), hash);
    assert.notEqual(commandSetHash([{ ...base, definition: { ...base.definition, description: 'Other' } }]), hash);
    assert.notEqual(commandSetHash([base, command('help')]), hash);
    assert.equal(commandSetHash([{ ...base, module: 'other', deprecated: { message: 'Gone soon.' } }]), hash);
  });

  it('keeps option order significant, since Discord shows options in that order', () => {
    assert.notEqual(commandSetHash([command('a', {}, [text('x'), text('y')])]), commandSetHash([command('a', {}, [text('y'), text('x')])]));
  });
});

describe('validateCommandSet', () => {
  it('accepts a sound set', () => {
    const tickets = command('ticket', {}, [
      { type: ApplicationCommandOptionType.Subcommand, name: 'open', description: 'Open one', options: [text('title', true), text('body')] },
      {
        type: ApplicationCommandOptionType.SubcommandGroup,
        name: 'admin',
        description: 'Admin tools',
        options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'purge', description: 'Purge' }],
      },
    ]);
    assert.deepEqual(validateCommandSet([command('ping'), tickets]), []);
  });

  it('reports duplicate names with the modules that define them', () => {
    const problems = validateCommandSet([command('ping', { module: 'a' }), command('ping', { module: 'b' })]);
    assert.deepEqual(problems, [{ command: 'ping', message: '/ping is defined 2 times (by a, b)' }]);
  });

  it('reports an invalid version', () => {
    assert.deepEqual(messages([command('ping', { version: '1.0' })]), ['/ping: version "1.0" is not a semantic version such as 1.2.0']);
  });

  it('checks names and descriptions against the limits', () => {
    const long = 'n'.repeat(COMMAND_NAME_MAX + 1);
    assert.match(messages([command(long)])[0] ?? '', new RegExp(`name must be 1 to ${COMMAND_NAME_MAX}`));
    assert.equal(messages([command('n'.repeat(COMMAND_NAME_MAX))]).length, 0);
    assert.match(messages([command('Ping')])[0] ?? '', /lower case/);
    assert.match(messages([command('two words')])[0] ?? '', /name must be/);
    const wordy = { ...command('ping'), definition: { name: 'ping', description: 'd'.repeat(COMMAND_DESCRIPTION_MAX + 1) } };
    assert.deepEqual(messages([wordy]), [`/ping: the description must be 1 to ${COMMAND_DESCRIPTION_MAX} characters (it has ${COMMAND_DESCRIPTION_MAX + 1})`]);
    const empty = { ...command('ping'), definition: { name: 'ping', description: '' } };
    assert.equal(messages([empty]).length, 1);
  });

  it('checks options: count, names, duplicates, choices, required order', () => {
    const many = Array.from({ length: COMMAND_OPTIONS_MAX + 1 }, (_, i) => text(`o${i}`));
    assert.deepEqual(messages([command('many', {}, many)]), [`/many: ${COMMAND_OPTIONS_MAX + 1} options; the limit is ${COMMAND_OPTIONS_MAX}`]);
    assert.deepEqual(messages([command('dup', {}, [text('x'), text('x')])]), ['/dup: the option name "x" is used twice']);
    assert.deepEqual(messages([command('order', {}, [text('a'), text('b', true)])]), ['/order b: required options must come before optional ones']);
    assert.match(messages([command('bad', {}, [text('Bad')])])[0] ?? '', /^\/bad Bad: the name must be lower case/);
    const choices = Array.from({ length: COMMAND_CHOICES_MAX + 1 }, (_, i) => ({ name: `c${i}`, value: `c${i}` }));
    const withChoices: APIApplicationCommandOption = { type: ApplicationCommandOptionType.String, name: 'pick', description: 'Pick', choices };
    assert.deepEqual(messages([command('choose', {}, [withChoices])]), [`/choose pick: ${COMMAND_CHOICES_MAX + 1} choices; the limit is ${COMMAND_CHOICES_MAX}`]);
  });

  it('checks inside subcommands and rejects mixing them with options', () => {
    const sub: APIApplicationCommandOption = {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'open',
      description: 'Open',
      options: [text('t'.repeat(COMMAND_NAME_MAX + 1))],
    };
    const problems = messages([command('ticket', {}, [sub, text('extra')])]);
    assert.ok(problems.includes('/ticket: subcommands cannot be mixed with other options'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('/ticket open tttt')), problems.join('\n'));
  });

  it('reports too many commands for the global cap', () => {
    const commands = Array.from({ length: GLOBAL_CHAT_COMMANDS_MAX + 1 }, (_, i) => command(`c${i}`));
    assert.deepEqual(messages(commands), [`${GLOBAL_CHAT_COMMANDS_MAX + 1} commands; Discord allows at most ${GLOBAL_CHAT_COMMANDS_MAX} global slash commands`]);
    assert.deepEqual(messages(commands.slice(1)), []);
  });

  it('reports a replacement that does not exist', () => {
    const old = command('old', { deprecated: { message: '', replacedBy: '/new' } });
    assert.deepEqual(messages([old]), ['/old is replaced by /new, which is not defined']);
    assert.deepEqual(messages([old, command('new')]), []);
  });
});

describe('deprecationNotice', () => {
  it('names the replacement, with or without a leading slash', () => {
    for (const replacedBy of ['new', '/new']) {
      assert.equal(
        deprecationNotice(command('old', { deprecated: { message: '', replacedBy } })),
        '`/old` is deprecated and will be removed; use `/new` instead.',
      );
    }
  });

  it('adds the module\'s own message, and is null for a current command', () => {
    assert.equal(
      deprecationNotice(command('old', { deprecated: { message: 'It moves to the dashboard in 2.0.' } })),
      '`/old` is deprecated and will be removed. It moves to the dashboard in 2.0.',
    );
    assert.equal(deprecationNotice(command('ping')), null);
  });
});
