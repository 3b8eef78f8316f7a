/**
 * docs/operations.md's metric table is generated from HubMetrics (`npm run docs:api`): this test fails when the
 * file is not what the script would write, or when a metric the hub defines is missing from it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';
import { replaceBetweenMarkers } from '../../../../scripts/api-docs-render.ts';
import { METRICS_END, METRICS_START, renderMetricsMarkdown } from '../../../../scripts/metrics-docs-render.ts';

const docs = readFileSync(new URL('../../../../docs/operations.md', import.meta.url), 'utf8');

describe('docs/operations.md metrics', () => {
  it('is what `npm run docs:api` writes from HubMetrics', async () => {
    const expected = replaceBetweenMarkers(docs, METRICS_START, METRICS_END, await renderMetricsMarkdown(), 'docs/operations.md');
    assert.ok(docs === expected, 'the metric table of docs/operations.md is out of date with src/metrics/hub-metrics.ts: run `npm run docs:api`');
  });

  it('lists every metric the hub defines, with its type and labels', async () => {
    const table = docs.slice(docs.indexOf(METRICS_START), docs.indexOf(METRICS_END));
    const metrics = await new HubMetrics({ defaultMetrics: false }).registry.getMetricsAsJSON();
    assert.ok(metrics.length >= 20, `only ${metrics.length} metrics`);
    for (const metric of metrics) assert.match(table, new RegExp(`\\| \`${metric.name}\` \\| ${metric.type} \\|`), `${metric.name} is missing`);
    assert.match(table, /\| `switchboard_job_runs_total` \| counter \| `job`, `outcome` \|/);
    assert.match(table, /\| `switchboard_interaction_response_seconds` \| histogram \| `kind` \| .*Buckets 50 ms – 10 s\./);
  });
});
