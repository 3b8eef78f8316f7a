import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GUILD_CONFIG, guildConfigSchema } from '../../../src/config/guild-config/guild-config-schema.ts';
import { checkOverride, overrideFor, parseSetting } from '../../../src/config/guild-config/guild-config-validation.ts';
import { applyMergePatch, deepMerge, pruneEmpty } from '../../../src/config/guild-config/merge.ts';
import { checkTemplate, renderTemplate } from '../../../src/config/guild-config/template.ts';

describe('guild configuration: merging', () => {
  it('the defaults pass their own schema', () => {
    assert.ok(guildConfigSchema.safeParse(DEFAULT_GUILD_CONFIG).success);
  });

  it('deepMerge: objects key by key, arrays and scalars replaced, inputs untouched', () => {
    const base = { a: { b: 1, c: [1, 2], d: { e: 'x' } }, f: true };
    const merged = deepMerge(base, { a: { c: [3], d: { g: 'y' } }, f: false });
    assert.deepEqual(merged, { a: { b: 1, c: [3], d: { e: 'x', g: 'y' } }, f: false });
    assert.deepEqual(base, { a: { b: 1, c: [1, 2], d: { e: 'x' } }, f: true });
  });

  it('precedence: defaults < file < stored', () => {
    const file = { timezone: 'Europe/Berlin', meetings: { defaultDurationMinutes: 90 } };
    const stored = { meetings: { defaultDurationMinutes: 30 } };
    const merged = deepMerge(deepMerge(DEFAULT_GUILD_CONFIG, file), stored);
    assert.equal(merged.timezone, 'Europe/Berlin');
    assert.equal(merged.meetings.defaultDurationMinutes, 30);
    assert.equal(merged.locale, 'en-US');
  });

  it('JSON Merge Patch (RFC 7396): null removes, objects merge, arrays replace', () => {
    assert.deepEqual(applyMergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } }), { a: 'z', c: { d: 'e' } });
    assert.deepEqual(applyMergePatch({ a: [1, 2] }, { a: [3] }), { a: [3] });
    assert.deepEqual(applyMergePatch({ a: 1 }, { b: { c: null } }), { a: 1, b: {} });
    assert.deepEqual(pruneEmpty({ a: 1, b: {}, c: { d: {} } }), { a: 1 });
  });
});

describe('guild configuration: validation with paths', () => {
  it('every problem at once, each with its exact path and what is allowed', () => {
    const check = checkOverride({
      timezone: 'Mars/Olympus',
      modules: { meetings: 'yes' },
      notifications: { meetingStarted: { template: 'Hi {title} {speaker}' } },
      roleMappings: { meetingModerators: ['not-a-role'] },
      meetings: { defaultDurationMinutes: 2, colour: 'red' },
      nonsense: 1,
    });
    assert.equal(check.ok, false);
    if (check.ok) return;
    const byPath = new Map(check.issues.map((issue) => [issue.path, issue.message]));
    assert.match(byPath.get('timezone')!, /IANA time zone/);
    assert.equal(byPath.get('modules.meetings'), 'must be true or false');
    assert.match(byPath.get('notifications.meetingStarted.template')!, /unknown placeholder \{speaker\}; allowed: \{title\}, \{type\}, \{host\}, \{meetingId\}/);
    assert.match(byPath.get('roleMappings.meetingModerators.0')!, /Discord id/);
    assert.equal(byPath.get('meetings.defaultDurationMinutes'), 'must be at least 5');
    assert.match(byPath.get('meetings.colour')!, /is not a setting; allowed in meetings: defaultDurationMinutes/);
    assert.match(byPath.get('nonsense')!, /is not a setting; allowed: locale, timezone, modules/);
  });

  it('a valid override gives the merged configuration', () => {
    const check = checkOverride({ roleMappings: { meetingModerators: ['123456789012345678'] } });
    assert.ok(check.ok);
    assert.deepEqual(check.config.roleMappings.meetingModerators, ['123456789012345678']);
    assert.equal(check.config.timezone, 'UTC');
  });

  it('refuses what is not an object', () => {
    assert.deepEqual(checkOverride([1]), { ok: false, issues: [{ path: '', message: 'must be an object of settings' }] });
  });
});

describe('guild configuration: /config set values', () => {
  it('reads each type from text', () => {
    assert.deepEqual(parseSetting('modules.meetings', 'off'), { ok: true, path: ['modules', 'meetings'], value: false });
    assert.deepEqual(parseSetting('meetings.defaultDurationMinutes', '45'), { ok: true, path: ['meetings', 'defaultDurationMinutes'], value: 45 });
    assert.deepEqual(parseSetting('roleMappings.meetingModerators', '<@&123456789012345678>, 223456789012345678'), {
      ok: true,
      path: ['roleMappings', 'meetingModerators'],
      value: ['123456789012345678', '223456789012345678'],
    });
    assert.deepEqual(parseSetting('timezone', 'Europe/Berlin'), { ok: true, path: ['timezone'], value: 'Europe/Berlin' });
  });

  it('names the path and what is allowed when the path or value is wrong', () => {
    assert.deepEqual(parseSetting('meetings.colour', 'red'), { ok: false, issue: { path: 'meetings.colour', message: 'is not a setting; allowed in meetings: defaultDurationMinutes' } });
    assert.equal(parseSetting('modules', 'x').ok, false);
    assert.deepEqual(parseSetting('modules.tickets', 'maybe'), { ok: false, issue: { path: 'modules.tickets', message: 'must be true or false' } });
    assert.deepEqual(parseSetting('meetings.defaultDurationMinutes', 'ten'), { ok: false, issue: { path: 'meetings.defaultDurationMinutes', message: 'must be a number' } });
  });

  it('overrideFor builds the nested override of one setting', () => {
    assert.deepEqual(overrideFor(['a', 'b', 'c'], 1), { a: { b: { c: 1 } } });
  });
});

describe('message templates', () => {
  it('checks placeholders and braces', () => {
    assert.deepEqual(checkTemplate('{title} at {{home}}', ['title']), { ok: true });
    assert.equal(checkTemplate('{title', ['title']).ok, false);
    assert.equal(checkTemplate('{nope}', ['title']).ok, false);
  });
  it('renders values, literal braces, and leaves unknown ones as written', () => {
    assert.equal(renderTemplate('{title} {{x}} {missing}', { title: 'Sync' }), 'Sync {x} {missing}');
  });
});

describe('guild settings documentation', () => {
  it('docs/configuration.md names every setting', async () => {
    const { readFile } = await import('node:fs/promises');
    const docs = await readFile(new URL('../../../../../docs/configuration.md', import.meta.url), 'utf8');
    const leaves = (node: unknown, prefix: string): string[] =>
      node !== null && typeof node === 'object' && !Array.isArray(node)
        ? Object.entries(node).flatMap(([key, value]) => leaves(value, prefix === '' ? key : `${prefix}.${key}`))
        : [prefix];
    const missing = leaves(DEFAULT_GUILD_CONFIG, '').filter((path) => {
      // attendance.labels.yes/.maybe/… share one row.
      const documented = path.startsWith('attendance.labels.') ? '`attendance.labels.yes`' : `\`${path}\``;
      return !docs.includes(documented);
    });
    assert.deepEqual(missing, [], 'add these settings to the guild settings table in docs/configuration.md');
  });
});
