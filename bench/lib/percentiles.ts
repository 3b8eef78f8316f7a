/** Percentiles and a summary of latency samples (nearest-rank, so every reported value was really observed). */

export type LatencySummary = { count: number; min: number; p50: number; p95: number; p99: number; max: number; mean: number };

/** The p-th percentile (0–100) of samples sorted ascending; NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
  };
}

/** The median of a few repeated runs (start-up times, spawn times). */
export function median(samples: readonly number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 50);
}
