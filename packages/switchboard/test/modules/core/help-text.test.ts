import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VersionedCommand } from '../../../src/discord/command-versioning.ts';
import { helpText } from '../../../src/modules/core/help-text.ts';

const command = (name: string, extra: Partial<VersionedCommand> = {}): VersionedCommand => ({
  definition: { name, description: `Does ${name}` },
  version: '1.2.0',
  module: 'probe',
  ...extra,
});

describe('help text', () => {
  it('lists commands by name with version and description, deprecated ones last with their replacement', () => {
    const text = helpText([
      command('zeta'),
      command('old', { deprecated: { message: 'Going away.', replacedBy: '/new' } }),
      command('alpha'),
      command('gone', { deprecated: { message: '' } }),
      command('new'),
    ]);
    const lines = text.split('\n');
    assert.equal(lines[0], '**My commands**');
    assert.deepEqual(lines.slice(1, 4), ['`/alpha` (1.2.0) — Does alpha', '`/new` (1.2.0) — Does new', '`/zeta` (1.2.0) — Does zeta']);
    assert.ok(text.includes('**Being removed**'));
    assert.ok(text.includes('`/old` (1.2.0) — Does old *Deprecated: use `/new` instead.*'));
    assert.ok(text.includes('`/gone` (1.2.0) — Does gone *Deprecated.*'));
    assert.ok(text.indexOf('/zeta') < text.indexOf('/gone'));
  });

  it('says so when there are no commands', () => {
    assert.equal(helpText([]), 'I have no commands right now.');
  });
});
