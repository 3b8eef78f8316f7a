/** The table printed at the end of a run: one row per measurement, columns padded to fit. */
import type { ScenarioResult } from './results.ts';

function format(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatTable(scenarios: readonly ScenarioResult[]): string {
  const header = ['scenario', 'metric', 'value', 'baseline', 'ratio', 'target', 'result'];
  const rows: string[][] = [];
  for (const scenario of scenarios) {
    if (scenario.skipped || scenario.error) {
      rows.push([scenario.name, scenario.skipped ? `skipped: ${scenario.skipped}` : `failed: ${(scenario.error ?? '').split('\n')[0] ?? ''}`, '', '', '', '', scenario.skipped ? 'skip' : 'FAIL']);
    }
    for (const m of scenario.measurements) {
      rows.push([
        scenario.name,
        m.metric,
        `${format(m.value)} ${m.unit}`,
        m.baseline ? `${format(m.baseline.value)} (${m.baseline.name})` : '–',
        m.ratio === null ? '–' : `${m.ratio.toFixed(2)}×`,
        m.target ?? '–',
        m.pass === null ? 'info' : m.pass ? 'pass' : 'FAIL',
      ]);
    }
  }
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
