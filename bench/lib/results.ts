/**
 * The shape of a run's results and how they are written: `bench/results/<timestamp>.json` and a copy as
 * `bench/results/latest.json`. A measurement carries its baseline from the same run and the ratio to it,
 * because on a shared machine absolute numbers drift while ratios hold.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Measurement = {
  metric: string;
  unit: string;
  value: number;
  /** What the same run measured for comparison, or null where the scenario has none for this metric. */
  baseline: { name: string; value: number } | null;
  /** value / baseline.value, or null without a baseline. */
  ratio: number | null;
  /** The target in words, e.g. "≥ 5,000"; null for figures reported for information. */
  target: string | null;
  /** Whether the target is met; null for figures without a target. */
  pass: boolean | null;
};

export type ScenarioResult = {
  name: string;
  description: string;
  durationMs: number;
  measurements: Measurement[];
  /** Details worth keeping that are not a measurement (sizes used, counts, why a part was skipped). */
  notes: string[];
  skipped?: string;
  error?: string;
};

export type BenchReport = {
  startedAt: string;
  finishedAt: string;
  options: { quick: boolean; only: string[] | null };
  machine: { cpus: number; cpuModel: string; totalMemoryMb: number; node: string; platform: string };
  scenarios: ScenarioResult[];
};

type MeasureInput = {
  metric: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  /** `at-least`: value ≥ limit passes; `at-most`: value ≤ limit. Ratio targets compare the ratio instead. */
  target?: { kind: 'at-least' | 'at-most'; limit: number; of?: 'value' | 'ratio' };
};

/** Builds a measurement, computing the ratio to its baseline and whether its target is met. */
export function measure(input: MeasureInput): Measurement {
  const ratio = input.baseline && input.baseline.value !== 0 ? input.value / input.baseline.value : null;
  let target: string | null = null;
  let pass: boolean | null = null;
  if (input.target) {
    const compared = input.target.of === 'ratio' ? ratio : input.value;
    const sign = input.target.kind === 'at-least' ? '≥' : '≤';
    const limit = input.target.limit.toLocaleString('en-US');
    target = input.target.of === 'ratio' ? `ratio ${sign} ${limit}` : `${sign} ${limit}`;
    pass = compared === null || Number.isNaN(compared) ? false : input.target.kind === 'at-least' ? compared >= input.target.limit : compared <= input.target.limit;
  }
  return { metric: input.metric, unit: input.unit, value: input.value, baseline: input.baseline ?? null, ratio, target, pass };
}

export function machineDescription(): BenchReport['machine'] {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** Writes the report under `folder`; returns the path of the timestamped file. */
export function writeReport(folder: string, report: BenchReport): string {
  mkdirSync(folder, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const file = path.join(folder, `${stamp}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(path.join(folder, 'latest.json'), text);
  return file;
}
