/**
 * deploy/grafana/dashboards/switchboard.json: a dashboard that still loads after a metric is renamed
 * shows empty panels and nobody notices, so every series its queries read is checked against what
 * HubMetrics really exposes, and every data source it names against the provisioned one.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deployPath, readYaml } from './deploy-paths.ts';
import { hubSeriesNames, seriesIn } from './hub-series-names.ts';

type Target = { expr?: string; refId?: string; datasource?: { type?: string; uid?: string } };
type Panel = { id: number; type: string; title: string; datasource?: { type?: string; uid?: string }; targets?: Target[]; gridPos?: { h: number; w: number; x: number; y: number }; panels?: Panel[] };
type Variable = { name: string; type: string; query?: string | { query: string }; datasource?: { uid?: string } };
type Dashboard = { uid: string; title: string; panels: Panel[]; templating?: { list: Variable[] } };

const dashboard = JSON.parse(readFileSync(deployPath('grafana/dashboards/switchboard.json'), 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = panels.filter((p) => p.type !== 'row');
const variables = dashboard.templating?.list ?? [];
const variableQuery = (v: Variable) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? ''));
const { datasources } = readYaml(deployPath('grafana/provisioning/datasources/prometheus.yaml')) as { datasources: { uid: string; type: string }[] };

describe('deploy/grafana/dashboards/switchboard.json', () => {
  let exposed: Set<string>;
  before(async () => {
    exposed = await hubSeriesNames();
  });

  it('is a dashboard with a fixed uid and panels with unique ids that fit the grid', () => {
    assert.equal(dashboard.uid, 'switchboard');
    assert.ok(queryPanels.length >= 10, 'the dashboard has panels');
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids must be unique');
    for (const panel of panels) {
      assert.ok(panel.title, `panel ${panel.id} needs a title`);
      const grid = panel.gridPos;
      assert.ok(grid && grid.x >= 0 && grid.w > 0 && grid.x + grid.w <= 24, `${panel.title}: gridPos must fit Grafana's 24 columns`);
    }
  });

  it('gives every panel a query, and every query a series to read', () => {
    for (const panel of queryPanels) {
      assert.ok((panel.targets ?? []).length > 0, `${panel.title} has no query`);
      for (const target of panel.targets ?? []) {
        assert.ok(target.expr && target.refId, `${panel.title}: every target needs expr and refId`);
        assert.ok(seriesIn(target.expr).length > 0, `${panel.title}: ${target.expr} reads no Switchboard or Node.js series`);
      }
    }
  });

  it('reads only series HubMetrics exposes', () => {
    const queries = [
      ...queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr ?? '' }))),
      ...variables.map((v) => ({ where: `variable $${v.name}`, expr: variableQuery(v) })),
    ];
    const named = new Set<string>();
    for (const { where, expr } of queries) {
      for (const series of seriesIn(expr)) {
        named.add(series);
        // Exact names: a histogram has no series of its own name, only _bucket, _sum and _count.
        assert.ok(exposed.has(series), `${where}: ${series} is not exposed by HubMetrics`);
      }
    }
    assert.ok([...named].filter((n) => n.startsWith('switchboard_')).length >= 15, 'the dashboard covers the hub metrics');
  });

  it('uses only the provisioned Prometheus data source and variables it declares', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    for (const panel of queryPanels) {
      for (const source of [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]) {
        if (source) assert.ok(source.type === 'prometheus' && uids.has(source.uid ?? ''), `${panel.title}: data source ${JSON.stringify(source)} is not provisioned (${[...uids].join(', ')})`);
      }
    }
    for (const variable of variables) if (variable.datasource) assert.ok(uids.has(variable.datasource.uid ?? ''), `variable $${variable.name}: unknown data source`);
    const declared = new Set(variables.map((v) => v.name));
    for (const panel of queryPanels) {
      for (const target of panel.targets ?? []) {
        for (const used of (target.expr ?? '').matchAll(/\$(\w+)/g)) {
          if (used[1]?.startsWith('__')) continue; // Grafana's own, such as $__rate_interval
          assert.ok(declared.has(used[1] ?? ''), `${panel.title}: $${used[1]} is not a dashboard variable`);
        }
      }
    }
  });
});
