import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { DEFAULT_GUILD_CONFIG, guildConfigSchema } from '../../switchboard/src/config/guild-config/guild-config-schema.ts';
import { fieldsOf, leavesOf, mergePatchOf, placeProblems, schemaOf, valuesOf, type JsonSchema, type LeafSpec } from '../src/config-form/schema-fields.ts';

// The real guild configuration schema, as the hub's schema endpoint produces it.
const realSchema = z.toJSONSchema(guildConfigSchema) as JsonSchema;
const specs = fieldsOf(realSchema);
const leaf = (path: string): LeafSpec => {
  const found = leavesOf(specs).find((spec) => spec.path === path);
  assert.ok(found, `no field for ${path}`);
  return found;
};

describe('fieldsOf on the guild configuration schema', () => {
  it('makes a group per object and a field per setting, named by its dotted path', () => {
    const groups = specs.filter((s) => s.kind === 'group').map((s) => s.path);
    for (const group of ['modules', 'commands', 'notifications', 'roleMappings', 'tickets', 'meetings', 'attendance', 'rateLimits']) assert.ok(groups.includes(group), `no group ${group}`);
    assert.ok(!groups.includes('locale'), 'a plain setting is not a group');
    assert.equal(leaf('modules.tickets').kind, 'boolean');
    assert.deepEqual(leaf('meetings.defaultDurationMinutes'), { kind: 'number', path: 'meetings.defaultDurationMinutes', integer: true, min: 5, max: 1440 });
    assert.equal(leaf('locale').kind, 'text');
    assert.equal(leaf('roleMappings.ticketStaff').kind, 'list');
    assert.equal(leaf('commands.disabled').kind, 'list');
    assert.equal(leaf('tickets.categories').kind, 'json');
    const template = leaf('notifications.meetingStarted.template');
    assert.ok(template.kind === 'text' && template.multiline);
    assert.ok(leaf('attendance.labels.yes').kind === 'text');
  });

  it('turns a string enum into a select and resolves $ref and nullable branches', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['fast', 'slow'] },
        limits: { $ref: '#/$defs/limits' },
        note: { anyOf: [{ type: 'string', maxLength: 500 }, { type: 'null' }] },
      },
      $defs: { limits: { type: 'object', properties: { max: { type: 'number', exclusiveMinimum: 0 } } } },
    };
    const found = fieldsOf(schema);
    assert.deepEqual(found[0], { kind: 'enum', path: 'mode', options: ['fast', 'slow'] });
    assert.deepEqual(found[1], { kind: 'group', path: 'limits', children: [{ kind: 'number', path: 'limits.max', integer: false, min: 0 }] });
    assert.deepEqual(found[2], { kind: 'text', path: 'note', multiline: true, maxLength: 500 });
  });

  it('reads the schema whether the endpoint answers with it alone or beside the defaults', () => {
    assert.equal(schemaOf(realSchema), realSchema);
    assert.equal(schemaOf({ schema: realSchema, defaults: DEFAULT_GUILD_CONFIG }), realSchema);
    assert.equal(schemaOf({ defaults: {} }), null);
    assert.equal(schemaOf('nope'), null);
  });
});

describe('mergePatchOf', () => {
  it('sends nothing when nothing changed', () => {
    const values = valuesOf(specs, DEFAULT_GUILD_CONFIG);
    assert.equal(values['roleMappings.ticketStaff'], '');
    assert.equal(values['modules.tickets'], true);
    assert.deepEqual(mergePatchOf(specs, DEFAULT_GUILD_CONFIG, values), { patch: {}, changed: 0, errors: new Map() });
  });

  it('sends only the changed settings, nested by path, lists whole', () => {
    const values = {
      ...valuesOf(specs, DEFAULT_GUILD_CONFIG),
      'meetings.defaultDurationMinutes': '90',
      'modules.streams': false,
      'roleMappings.ticketStaff': ' 123456789012345678 , 223456789012345678,',
      'tickets.categories': '[{"name":"Billing"}]',
    };
    const { patch, changed, errors } = mergePatchOf(specs, DEFAULT_GUILD_CONFIG, values);
    assert.equal(errors.size, 0);
    assert.equal(changed, 4);
    assert.deepEqual(patch, {
      meetings: { defaultDurationMinutes: 90 },
      modules: { streams: false },
      roleMappings: { ticketStaff: ['123456789012345678', '223456789012345678'] },
      tickets: { categories: [{ name: 'Billing' }] },
    });
  });

  it('names the field of every value it cannot read, and sends nothing for it', () => {
    const values = { ...valuesOf(specs, DEFAULT_GUILD_CONFIG), 'meetings.defaultDurationMinutes': '2.5', 'rateLimits.commandsPerMinute': '9000', 'tickets.categories': '[{' };
    const { patch, errors } = mergePatchOf(specs, DEFAULT_GUILD_CONFIG, values);
    assert.deepEqual(patch, {});
    assert.equal(errors.get('meetings.defaultDurationMinutes'), 'must be a whole number');
    assert.equal(errors.get('rateLimits.commandsPerMinute'), 'must be at most 600');
    assert.equal(errors.get('tickets.categories'), 'must be valid JSON');
  });
});

describe('placeProblems', () => {
  it('puts each problem on the field that owns its path and keeps the rest apart', () => {
    const problems = new Map([
      ['meetings.defaultDurationMinutes', 'must be at least 5'],
      ['tickets.categories.0.name', 'must not be empty'],
      ['nonsense', 'is not a setting'],
    ]);
    const { byField, unplaced } = placeProblems(specs, problems);
    assert.equal(byField.get('meetings.defaultDurationMinutes'), 'must be at least 5');
    assert.equal(byField.get('tickets.categories'), '0.name: must not be empty');
    assert.deepEqual(unplaced, [{ path: 'nonsense', message: 'is not a setting' }]);
  });
});
