/**
 * `node bench/run.ts --quick --only oauth,startup` as a child process: it exits 0 and writes a results file
 * of the documented shape. Speed is never asserted here (the machine is shared); only that every
 * measurement is a finite number with its baseline, ratio and verdict filled in consistently.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));

type Measurement = { metric: string; unit: string; value: number; baseline: { name: string; value: number } | null; ratio: number | null; target: string | null; pass: boolean | null };
type Report = {
  startedAt: string;
  finishedAt: string;
  options: { quick: boolean; only: string[] | null };
  machine: { cpus: number; node: string };
  scenarios: { name: string; description: string; durationMs: number; measurements: Measurement[]; notes: string[]; error?: string; skipped?: string }[];
};

describe('npm run bench --quick', () => {
  it('runs oauth and startup and writes results of the documented shape', { timeout: 120_000 }, async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-test-'));
    try {
      const { stdout } = await run(process.execPath, ['bench/run.ts', '--quick', '--only', 'oauth,startup', '--out', out], { cwd: root, timeout: 110_000 });
      assert.match(stdout, /scenario\s+metric\s+value\s+baseline\s+ratio\s+target\s+result/);
      const files = readdirSync(out).sort();
      assert.equal(files.length, 2, `a timestamped file and latest.json, got ${files.join(', ')}`);
      assert.ok(files.includes('latest.json'));
      const report = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as Report;
      assert.deepEqual(report.options, { quick: true, only: ['oauth', 'startup'] });
      assert.ok(report.machine.cpus >= 1);
      assert.ok(Date.parse(report.finishedAt) >= Date.parse(report.startedAt));
      assert.deepEqual(report.scenarios.map((s) => s.name), ['oauth', 'startup']);
      for (const scenario of report.scenarios) {
        assert.equal(scenario.error, undefined, `${scenario.name} failed: ${scenario.error ?? ''}`);
        assert.ok(scenario.measurements.length > 0, `${scenario.name} measured something`);
        for (const m of scenario.measurements) {
          assert.ok(Number.isFinite(m.value), `${scenario.name} / ${m.metric} is a number`);
          assert.ok(m.unit.length > 0);
          if (m.baseline) {
            assert.ok(Number.isFinite(m.baseline.value) && m.baseline.value > 0, `${m.metric}: baseline measured`);
            assert.ok(m.ratio !== null && Math.abs(m.ratio - m.value / m.baseline.value) < 1e-9, `${m.metric}: ratio = value / baseline`);
          } else assert.equal(m.ratio, null);
          assert.equal(m.target === null, m.pass === null, `${m.metric}: a verdict exactly when there is a target`);
        }
      }
      const startup = report.scenarios.find((s) => s.name === 'startup');
      assert.ok(startup?.measurements.some((m) => m.metric === 'spawn to /ready 200' && m.baseline?.name === 'node -e ""'));
      const oauth = report.scenarios.find((s) => s.name === 'oauth');
      assert.ok(oauth?.measurements.some((m) => m.metric === 'sqlite: consume p99' && m.target === '≤ 5'));
      // Correctness is not speed: exactly one success per state must hold on every database measured.
      for (const m of oauth?.measurements.filter((x) => x.metric.endsWith('without exactly one success')) ?? []) assert.equal(m.value, 0, m.metric);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
