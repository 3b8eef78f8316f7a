/**
 * `switchboard` starts Node with the same flags wherever it is started for real: the `#!` line of its entry
 * point (which the benchmarks read too), package.json's scripts, the Docker image's ENTRYPOINT and the
 * systemd unit in docs/deploy.md.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { switchboardNodeFlags } from '../../../../bench/lib/start-flags.ts';
import { parseInstructions } from './dockerfile-instructions.ts';
import { deployPath, repoPath } from './deploy-paths.ts';

const ENTRY = 'packages/switchboard/src/main.js';

describe('the flags switchboard starts Node with', () => {
  const flags = switchboardNodeFlags();

  it('are set on the entry point and keep the young generation small', () => {
    assert.ok(flags.includes('--max-semi-space-size=4'), `the entry point's #! line has ${flags.join(' ') || 'no flags'}`);
  });

  it("are the same in package.json's scripts", () => {
    const scripts = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['sandbox', 'switchboard']) {
      const script = scripts[name] ?? '';
      assert.ok(script.startsWith(`node ${flags.join(' ')} ${ENTRY}`), `npm run ${name}: ${script}`);
    }
  });

  it("are the same in the Docker image's ENTRYPOINT and the systemd unit of docs/deploy.md", () => {
    const entrypoint = parseInstructions(readFileSync(deployPath('Dockerfile'), 'utf8')).filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
    assert.deepEqual(entrypoint?.exec, ['node', ...flags, ENTRY]);
    const unit = /^ExecStart=(.*)$/m.exec(readFileSync(repoPath('docs/deploy.md'), 'utf8'))?.[1];
    assert.equal(unit, `/usr/bin/node ${flags.join(' ')} ${ENTRY} start`);
  });
});
