/**
 * `npm run bench`: runs the scenarios (each measures Switchboard and its baselines in the same run),
 * writes `bench/results/<timestamp>.json` and `bench/results/latest.json`, and prints a table.
 *
 *   node bench/run.ts [--only events,oauth] [--quick]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineDescription, writeReport, type BenchReport, type ScenarioResult } from './lib/results.ts';
import type { Scenario } from './lib/scenario.ts';
import { formatTable } from './lib/table.ts';
import { eventsScenario } from './scenarios/events.ts';
import { interactionsScenario } from './scenarios/interactions.ts';
import { memoryScenario } from './scenarios/memory.ts';
import { oauthScenario } from './scenarios/oauth.ts';
import { startupScenario } from './scenarios/startup.ts';
import { ticketsScenario } from './scenarios/tickets.ts';

const SCENARIOS: readonly Scenario[] = [eventsScenario, interactionsScenario, oauthScenario, ticketsScenario, memoryScenario, startupScenario];

const usage = `Usage: node bench/run.ts [--only NAME,NAME] [--quick] [--out DIR]

Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
  --only    run only these scenarios (comma-separated)
  --quick   smaller sizes, the whole run in under a minute (for checks, not for figures)
  --out     the results folder (default bench/results)
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const only = values.only === undefined ? null : values.only.split(',').map((name) => name.trim()).filter(Boolean);
if (only !== null) {
  if (only.length === 0) fail('--only needs at least one scenario name');
  const unknown = only.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) fail(`unknown scenario${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
}
const quick = values.quick ?? false;
const selected = SCENARIOS.filter((s) => only === null || only.includes(s.name));
const outFolder = values.out ?? fileURLToPath(new URL('./results/', import.meta.url));

const startedAt = new Date().toISOString();
const results: ScenarioResult[] = [];
for (const scenario of selected) {
  const notes: string[] = [];
  const result: ScenarioResult = { name: scenario.name, description: scenario.description, durationMs: 0, measurements: [], notes };
  process.stderr.write(`\n== ${scenario.name}: ${scenario.description}\n`);
  const started = performance.now();
  try {
    result.measurements = await scenario.run({
      quick,
      log: (message) => process.stderr.write(`   ${message}\n`),
      note: (message) => {
        notes.push(message);
        process.stderr.write(`   note: ${message}\n`);
      },
    });
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    process.stderr.write(`   failed: ${result.error}\n`);
  }
  result.durationMs = Math.round(performance.now() - started);
  if (result.measurements.length === 0 && !result.error) result.skipped = notes.join('; ') || 'nothing measured';
  results.push(result);
}

const report: BenchReport = { startedAt, finishedAt: new Date().toISOString(), options: { quick, only }, machine: machineDescription(), scenarios: results };
const file = writeReport(outFolder, report);
const machine = report.machine;
process.stdout.write(`\n${formatTable(results)}\n\n${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}${quick ? ', --quick sizes' : ''}\nResults: ${file}\n`);
process.exitCode = results.some((r) => r.error) ? 1 : 0;
