/**
 * `npm test`: the type check, the linter, then every package's tests with Node's test runner.
 * Each stage says what it runs; the first failing stage sets the exit code.
 */
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function stage(title: string, command: string, args: string[]): void {
  process.stdout.write(`\n▶ ${title}\n`);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`✖ ${title} failed after ${seconds} s\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`✔ ${title} passed in ${seconds} s\n`);
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : globSync('packages/*/test/**/*.test.ts', { cwd: root }).sort();

if (only.length === 0) {
  stage('type check (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  stage('lint (eslint)', bin('eslint'), ['--max-warnings', '0', '.']);
}
stage(`tests (${files.length} files, node --test)`, process.execPath, [
  '--test',
  '--test-concurrency=3',
  '--test-timeout=120000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/test-summary-reporter.ts',
  '--test-reporter-destination=stdout',
  ...files,
]);
