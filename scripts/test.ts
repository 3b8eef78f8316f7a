/**
 * `npm test`: the type check, the linter, then every package's tests with Node's test runner.
 * Each stage says what it runs; the first failing stage sets the exit code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, readdirSync, statSync } from 'node:fs';
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

/** The dashboard's build is missing or older than one of its sources (the browser tests load it through the hub). */
function dashboardBuildStale(): boolean {
  const dashboard = path.join(root, 'packages', 'dashboard');
  if (!existsSync(path.join(dashboard, 'package.json'))) return false;
  const built = path.join(dashboard, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = [
    ...readdirSync(path.join(dashboard, 'src'), { recursive: true, encoding: 'utf8' }).map((file) => path.join(dashboard, 'src', file)),
    ...['index.html', 'vite.config.ts', 'package.json'].map((file) => path.join(dashboard, file)),
  ];
  const builtAt = statSync(built).mtimeMs;
  return sources.some((file) => existsSync(file) && statSync(file).mtimeMs > builtAt);
}

const only = process.argv.slice(2);
// The reliability suite (faults, kills, load) and the cluster test (three hub processes) run on their own:
// `npm run test:reliability`, `npm run test:cluster`.
const SEPARATE_SUITES = ['/test/reliability/', '/test/cluster/'];
const files =
  only.length > 0 ? only : globSync('packages/*/test/**/*.test.ts', { cwd: root }).filter((file) => !SEPARATE_SUITES.some((folder) => file.includes(folder))).sort();

if (only.length === 0) {
  stage('type check (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  stage('type check of the dashboard (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'packages/dashboard/tsconfig.json']);
  stage('lint (eslint)', bin('eslint'), ['--max-warnings', '0', '.']);
}
// Chosen files build it only when they are the dashboard's or browser tests, so that a half-written dashboard blocks no one else's run.
const needsDashboard = only.length === 0 || only.some((file) => file.includes('packages/dashboard/') || file.includes('browser'));
if (needsDashboard && dashboardBuildStale()) stage('build the dashboard (vite build)', bin('vite'), ['build', 'packages/dashboard']);
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
