/**
 * Every series name a scrape of the hub can show, read from HubMetrics' own exposition: each metric is
 * declared there (`# TYPE name kind`) even before it has a sample, so a metric added later is known
 * here without a list to keep up to date. A histogram is queried through its _bucket, _sum and _count.
 */
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';

const SERIES_SUFFIXES: Record<string, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export async function hubSeriesNames(): Promise<Set<string>> {
  const text = await new HubMetrics().metricsText();
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', kind = ''] = match;
    const suffixes = SERIES_SUFFIXES[kind];
    if (!suffixes) throw new Error(`metric ${name} has a type this check does not know: ${kind}`);
    for (const suffix of suffixes) names.add(`${name}${suffix}`);
  }
  return names;
}

/** The Switchboard and Node.js series a PromQL expression reads. */
export function seriesIn(expression: string): string[] {
  return [...expression.matchAll(/\b(?:switchboard|nodejs|process)_[a-z0-9_]+\b/g)].map((match) => match[0]);
}
