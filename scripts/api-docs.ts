/**
 * `npm run docs:api`: regenerates the route reference of docs/api.md (between the routes markers) from the
 * hub's OpenAPI document and the metric table of docs/operations.md (between the metrics markers) from
 * HubMetrics, so that neither drifts from the code (packages/switchboard/test/http/api-docs.test.ts and
 * packages/switchboard/test/metrics/metrics-docs.test.ts fail when they do).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readOpenApiDocument, renderRoutesMarkdown, replaceBetweenMarkers, ROUTES_END, ROUTES_START } from './api-docs-render.ts';
import { METRICS_END, METRICS_START, renderMetricsMarkdown } from './metrics-docs-render.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function regenerate(relativePath: string, start: string, end: string, content: string): void {
  const file = `${root}${relativePath}`;
  writeFileSync(file, replaceBetweenMarkers(readFileSync(file, 'utf8'), start, end, content, relativePath));
}

const routes = renderRoutesMarkdown(await readOpenApiDocument());
regenerate('docs/api.md', ROUTES_START, ROUTES_END, routes);
const metrics = await renderMetricsMarkdown();
regenerate('docs/operations.md', METRICS_START, METRICS_END, metrics);
process.stdout.write('wrote the route reference in docs/api.md and the metric table in docs/operations.md\n');
