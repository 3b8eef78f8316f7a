/**
 * docs/deploy.md may name only what exists: every variable is one the hub reads or one the compose files
 * take from .env, every `switchboard` command is one the command line has, and every deployment file it
 * points to is in the repository.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { environmentVariables } from '../../src/config/environment.ts';
import { commands } from '../../src/cli/cli-main.ts';
import { deployPath, repoPath } from './deploy-paths.ts';

const doc = readFileSync(repoPath('docs/deploy.md'), 'utf8');
const composeText = ['compose.yaml', 'compose.cluster.yaml'].map((f) => readFileSync(deployPath(f), 'utf8')).join('\n');

describe('docs/deploy.md', () => {
  it('names only variables the hub or the compose files read', () => {
    const named = new Set([...doc.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`/g)].map((m) => m[1] ?? ''));
    assert.ok(named.size >= 10);
    for (const name of named) {
      const known = name in environmentVariables || new RegExp(`\\$\\{${name}[:}?-]|^\\s+${name}:\\s*$`, 'm').test(composeText);
      assert.ok(known, `docs/deploy.md names ${name}, which neither the hub nor the compose files read`);
    }
  });

  it('names only switchboard commands that exist', () => {
    const names = new Set(commands.map((c) => c.name));
    const used = [
      ...doc.matchAll(/(?:npx switchboard|main\.ts|switchboard:local)[ \t]+([a-z][a-z-]*)/g),
      ...doc.matchAll(/`switchboard ([a-z][a-z-]*)/g),
    ].map((m) => m[1] ?? '');
    assert.ok(used.length >= 5);
    for (const name of used) assert.ok(names.has(name), `docs/deploy.md runs \`switchboard ${name}\`, which is no command (${[...names].join(', ')})`);
  });

  it('points only to deployment files that exist', () => {
    const paths = new Set([...doc.matchAll(/`((?:deploy\/|\.docker)[\w./-]*)`/g)].map((m) => m[1] ?? ''));
    assert.ok(paths.size >= 5);
    for (const path of paths) assert.ok(existsSync(repoPath(path)), `docs/deploy.md names ${path}, which does not exist`);
  });
});
