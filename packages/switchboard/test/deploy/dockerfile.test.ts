/**
 * deploy/Dockerfile cannot be built here (no container engine), so it is linted against the repository:
 * its stages, base image tags, user, health check and entrypoint, that everything it copies exists and
 * reaches the build context, and the assumptions it rests on (workspaces, production dependencies
 * without native code).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { commands } from '../../src/cli/cli-main.ts';
import { parseDockerignore, decidingRule, isExcluded } from './dockerignore.ts';
import { parseInstructions, stagesOf, type Instruction } from './dockerfile-instructions.ts';
import { repoPath, deployPath } from './deploy-paths.ts';

const instructions = parseInstructions(readFileSync(deployPath('Dockerfile'), 'utf8'));
const stages = stagesOf(instructions);
const finalStage = stages.at(-1);
const ignoreRules = parseDockerignore(readFileSync(repoPath('.dockerignore'), 'utf8'));
const rootPackage = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { workspaces: string[] };
const hubPackage = JSON.parse(readFileSync(repoPath('packages/switchboard/package.json'), 'utf8')) as { dependencies: Record<string, string> };

const inFinal = (keyword: string): Instruction[] => (finalStage?.instructions ?? []).filter((i) => i.keyword === keyword);
const at = (i: Instruction) => `deploy/Dockerfile line ${i.line}`;
/** `COPY a b dest`: the sources, without the destination. */
const copySources = (i: Instruction) => i.args.slice(0, -1);
const envOf = (instructionsOfStage: Instruction[]): Map<string, string> => {
  const env = new Map<string, string>();
  for (const i of instructionsOfStage.filter((x) => x.keyword === 'ENV')) {
    for (const pair of i.raw.replace(/^ENV\s+/i, '').matchAll(/([A-Za-z_][\w]*)=("[^"]*"|\S*)/g)) env.set(pair[1] ?? '', (pair[2] ?? '').replace(/^"|"$/g, ''));
  }
  return env;
};

describe('deploy/Dockerfile', () => {
  it('builds in named stages and runs a later one', () => {
    assert.ok(stages.length >= 2, `a multi-stage build needs at least two FROM … AS … (found ${stages.length})`);
    for (const stage of stages) assert.ok(stage.name, `the stage at line ${stage.line} (${stage.image}) needs a name: FROM … AS <name>`);
    const names = stages.map((s) => s.name);
    assert.equal(new Set(names).size, names.length, `stage names must be unique: ${names.join(', ')}`);
  });

  it('pins every base image to a tag other than latest', () => {
    const stageNames = new Set(stages.map((s) => s.name));
    for (const stage of stages) {
      if (stageNames.has(stage.image)) continue;
      const tag = /^[^@]+:([\w][\w.-]*)$/.exec(stage.image.replace(/^[^/]+\.[^/]+\//, ''))?.[1];
      assert.ok(tag, `line ${stage.line}: ${stage.image} needs an explicit tag (node:24-alpine, not node)`);
      assert.notEqual(tag, 'latest', `line ${stage.line}: ${stage.image} must not use the latest tag`);
    }
  });

  it('copies from earlier stages only', () => {
    const seen = new Set<string>();
    for (const stage of stages) {
      for (const i of stage.instructions.filter((x) => x.keyword === 'COPY' && x.flags.from !== undefined)) {
        assert.ok(seen.has(i.flags.from ?? ''), `${at(i)}: COPY --from=${i.flags.from} names no earlier stage (${[...seen].join(', ') || 'none'})`);
      }
      if (stage.name) seen.add(stage.name);
    }
  });

  it('copies from the build context only what exists there and .dockerignore lets through', () => {
    const copies = instructions.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.flags.from === undefined);
    assert.ok(copies.length > 0);
    for (const i of copies) {
      for (const source of copySources(i)) {
        assert.ok(!/[*?[]/.test(source), `${at(i)}: ${source}: name files exactly, so that this check can follow them`);
        assert.ok(existsSync(repoPath(source)), `${at(i)}: ${source} does not exist in the repository`);
        assert.ok(!isExcluded(ignoreRules, source), `${at(i)}: ${source} is excluded from the build context by .dockerignore (${decidingRule(ignoreRules, source)?.source})`);
      }
    }
  });

  it('keeps secrets, local data and installed packages out of the build context', () => {
    for (const path of ['.env', '.git/config', 'node_modules/zod/package.json', 'packages/switchboard/node_modules/x', 'data/switchboard.db', 'packages/dashboard/dist/index.html', 'bench/results/run.json']) {
      assert.ok(isExcluded(ignoreRules, path), `.dockerignore must exclude ${path}`);
    }
    assert.ok(!isExcluded(ignoreRules, '.env.example'), '.env.example documents the variables and may be copied');
  });

  it('installs with the manifest of every workspace, so that npm ci accepts the lockfile', () => {
    for (const stage of stages.filter((s) => s.instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.raw)))) {
      const npmCi = stage.instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.raw));
      const copiedBefore = stage.instructions.slice(0, npmCi).filter((i) => i.keyword === 'COPY').flatMap(copySources);
      for (const needed of ['package.json', 'package-lock.json', ...rootPackage.workspaces.map((w) => `${w}/package.json`)]) {
        assert.ok(copiedBefore.includes(needed), `stage ${stage.name}: ${needed} must be copied before npm ci`);
      }
    }
  });

  it('skips install scripts only because no production dependency has any, or native code', () => {
    const lock = JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean; os?: string[]; cpu?: string[]; link?: boolean }> };
    const production = Object.entries(lock.packages).filter(([name, entry]) => name.includes('node_modules/') && !entry.dev && !entry.link);
    assert.ok(production.length > 20, 'the lockfile lists the production dependencies');
    const native = production.filter(([, entry]) => entry.hasInstallScript || entry.os || entry.cpu).map(([name]) => name);
    assert.deepEqual(native, [], 'these production dependencies build or ship native code: the runtime stage (Alpine) and --ignore-scripts need revisiting');
  });

  it('runs as an unprivileged user in the final stage', () => {
    const user = inFinal('USER').at(-1);
    assert.ok(user, 'the final stage needs a USER instruction');
    assert.ok(!['root', '0', '0:0', 'root:root'].includes(user.args[0] ?? ''), `${at(user)}: the final stage must not run as root`);
    const lastRun = inFinal('RUN').at(-1);
    if (lastRun) assert.ok(lastRun.line < user.line, `${at(lastRun)}: RUN after USER would need the user's rights; keep USER after the last RUN`);
  });

  it('holds the hub, every workspace it imports, and the built dashboard', () => {
    const copied = inFinal('COPY').flatMap((i) => copySources(i).map((s) => ({ source: s, from: i.flags.from })));
    const has = (source: string, from?: string) => copied.some((c) => c.source === source && c.from === from);
    assert.ok(has('packages/switchboard/package.json'), 'the hub reads its package.json (version)');
    assert.ok(has('packages/switchboard/src'));
    const workspaceDependencies = Object.keys(hubPackage.dependencies).filter((name) => rootPackage.workspaces.includes(`packages/${name}`));
    assert.ok(workspaceDependencies.includes('discord-limits'));
    for (const name of workspaceDependencies) {
      assert.ok(has(`packages/${name}/package.json`) && has(`packages/${name}/src`), `the hub depends on the workspace ${name}: copy packages/${name}/package.json and src`);
    }
    const deps = stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.raw)));
    assert.ok(deps?.name && has('/app/node_modules', deps.name), 'node_modules must come from the stage that installs production dependencies only');
    assert.ok(copied.some((c) => c.from !== undefined && c.source.endsWith('packages/dashboard/dist')), 'the built dashboard (packages/dashboard/dist) must be copied');
  });

  it('listens on all addresses on the port it exposes, and checks /health with node itself', () => {
    const env = envOf(finalStage?.instructions ?? []);
    assert.equal(env.get('HOST'), '0.0.0.0', 'HOST must be 0.0.0.0 in a container, or nothing outside it reaches the hub');
    const exposed = inFinal('EXPOSE').flatMap((i) => i.args.map((a) => a.replace(/\/tcp$/, '')));
    assert.deepEqual(exposed, [env.get('PORT')], 'EXPOSE the PORT the hub listens on');
    const health = inFinal('HEALTHCHECK');
    assert.equal(health.length, 1, 'the final stage needs one HEALTHCHECK');
    const check = health[0]!;
    assert.equal(check.exec?.[0], 'node', `${at(check)}: the slim image has no curl or wget: check with node (exec form)`);
    assert.match(check.raw, /\/health\b/, `${at(check)}: the container health check is liveness: /health`);
    assert.doesNotMatch(check.raw, /\/ready\b/);
    for (const option of ['interval', 'timeout', 'start-period']) assert.match(check.flags[option] ?? '', /^\d+[sm]$/, `${at(check)}: set --${option}`);
    assert.deepEqual(inFinal('STOPSIGNAL').map((i) => i.args[0]), ['SIGTERM']);
  });

  it('starts the switchboard command from a script that exists, with a command it has', () => {
    const entrypoint = inFinal('ENTRYPOINT').at(-1);
    assert.ok(entrypoint?.exec, 'ENTRYPOINT must be in exec form, so that node is PID 1 and receives SIGTERM');
    assert.equal(entrypoint.exec[0], 'node');
    // Node's flags come first (start-flags.test.ts checks them), then the script.
    const script = entrypoint.exec.slice(1).find((arg) => !arg.startsWith('-')) ?? '';
    assert.ok(existsSync(repoPath(script)), `${at(entrypoint)}: ${script} does not exist`);
    assert.ok(inFinal('COPY').some((i) => copySources(i).some((s) => script.startsWith(`${s}/`))), `${at(entrypoint)}: ${script} is not copied into the final stage`);
    const cmd = inFinal('CMD').at(-1);
    assert.ok(cmd?.exec, 'CMD must be in exec form');
    assert.ok(commands.some((c) => c.name === cmd.exec?.[0]), `${at(cmd)}: "${cmd.exec[0]}" is not a switchboard command (${commands.map((c) => c.name).join(', ')})`);
  });
});
