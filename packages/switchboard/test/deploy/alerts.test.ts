/**
 * deploy/prometheus/alerts.yml is checked line by line (it is kept simple on purpose: no anchors, no
 * flow style), and every metric it names is checked against what HubMetrics really exposes, so that a
 * renamed metric cannot leave an alert silently watching nothing.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';
import { parseSamples } from '../support/metrics-text.ts';

const ALERTS_PATH = fileURLToPath(new URL('../../../../deploy/prometheus/alerts.yml', import.meta.url));
const SEVERITIES = new Set(['critical', 'warning', 'info']);

type Alert = { name: string; line: number; keys: Map<string, string>; expr: string };

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * Splits the rules into alerts, each with its keys flattened to dotted paths (`labels.severity`) and its
 * expression, inline or in a block scalar (`expr: |`), gathered into one string.
 */
function readAlerts(text: string): Alert[] {
  const lines = text.split('\n');
  const alerts: Alert[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = /^(\s*)- alert:\s*(\S+)\s*$/.exec(lines[i] ?? '');
    if (!start) continue;
    const keyIndent = (start[1] ?? '').length + 2;
    const alert: Alert = { name: start[2] ?? '', line: i + 1, keys: new Map([['alert', start[2] ?? '']]), expr: '' };
    const parents: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const indent = indentOf(line);
      if (indent < keyIndent) break;
      const entry = /^\s*([A-Za-z_][\w]*):\s*(.*)$/.exec(line);
      if (!entry) continue; // a continuation line of a block scalar
      const depth = (indent - keyIndent) / 2;
      if (!Number.isInteger(depth) || depth > parents.length) continue;
      parents.length = depth;
      const key = [...parents, entry[1] ?? ''].join('.');
      let value = entry[2] ?? '';
      if (value === '|' || value === '>-' || value === '>' || value === '|-') {
        const body: string[] = [];
        while (j + 1 < lines.length && (lines[j + 1]?.trim() === '' || indentOf(lines[j + 1] ?? '') > indent)) body.push((lines[++j] ?? '').trim());
        value = body.join(' ').trim();
      }
      alert.keys.set(key, value);
      if (value === '') parents.push(entry[1] ?? '');
    }
    alert.expr = alert.keys.get('expr') ?? '';
    alerts.push(alert);
    i = j - 1;
  }
  return alerts;
}

/** One sample of every HubMetrics instrument, so that each shows up in the exposition. */
function metricsWithOneOfEach(): HubMetrics {
  const metrics = new HubMetrics();
  metrics.recordGatewayEvent('MESSAGE_CREATE');
  metrics.recordEventProcessing(0.001);
  metrics.recordInteractionResponse('command', 0.2);
  metrics.recordInteractionDeadlineMissed();
  metrics.recordDiscordRestRequest('/channels/:id/messages', 'POST', 200);
  metrics.recordDiscordRateLimited('/channels/:id/messages', 'user', false);
  metrics.setDiscordInvalidRequests(1);
  metrics.setInvalidRequestBreakerOpen(false);
  metrics.recordError('gateway_handler');
  metrics.setGatewayConnected(true);
  metrics.setGatewayLatency(0, 0.05);
  metrics.setGatewayState(0, 'ready');
  metrics.setIdentifyRemaining(1000);
  metrics.recordUserActivity('1');
  metrics.recordMessage();
  metrics.recordJobRun('job-run-retention', 'succeeded', 1);
  metrics.recordHttpRequest('/api/v1/jobs', 'GET', 200, 0.01);
  return metrics;
}

describe('deploy/prometheus/alerts.yml', () => {
  const text = readFileSync(ALERTS_PATH, 'utf8');
  const alerts = readAlerts(text);
  let exposed: Set<string>;

  before(async () => {
    exposed = new Set(parseSamples(await metricsWithOneOfEach().metricsText()).map((s) => s.name));
  });

  it('is plain YAML rule groups: spaces only, no anchors or aliases, one group list', () => {
    assert.match(text, /^groups:\s*$/m);
    assert.match(text, /^\s+rules:\s*$/m);
    assert.ok(!text.includes('\t'), 'tabs are not allowed in YAML indentation');
    assert.doesNotMatch(text, /:\s+[&*][\w-]+|<<:/, 'anchors, aliases and merge keys make the file hard to review');
  });

  it('has the five alerts the operations guide describes', () => {
    assert.deepEqual(
      alerts.map((a) => a.name),
      ['SwitchboardGatewayDisconnected', 'SwitchboardInteractionLatencyHigh', 'SwitchboardErrorRateHigh', 'SwitchboardInvalidRequestsHigh', 'SwitchboardIdentifyBudgetLow'],
    );
  });

  it('gives every alert an expression, a duration, a severity, a summary and a description', () => {
    for (const alert of alerts) {
      const where = `${alert.name} (line ${alert.line})`;
      assert.ok(alert.expr.length > 0, `${where} has no expr`);
      assert.match(alert.keys.get('for') ?? '', /^\d+[smhd]$/, `${where} needs for: with a duration`);
      assert.ok(SEVERITIES.has(alert.keys.get('labels.severity') ?? ''), `${where} needs labels.severity: critical, warning or info`);
      assert.ok((alert.keys.get('annotations.summary') ?? '').length > 10, `${where} needs annotations.summary`);
      assert.ok((alert.keys.get('annotations.description') ?? '').length > 40, `${where} needs annotations.description saying what to do`);
    }
  });

  it('uses in every expression only series HubMetrics exposes', () => {
    for (const alert of alerts) {
      const inExpr = [...alert.expr.matchAll(/\bswitchboard_[a-z_]+\b/g)].map((m) => m[0]);
      assert.ok(inExpr.length > 0, `${alert.name} watches no Switchboard metric`);
      // Exact series names: a histogram is queried through its _bucket, _sum or _count series.
      for (const name of inExpr) assert.ok(exposed.has(name), `${alert.name}: ${name} is not exposed by HubMetrics`);
    }
  });

  it('names in its advice only metrics HubMetrics exposes', () => {
    const named = new Set([...text.matchAll(/\b(?:switchboard|nodejs|process)_[a-z_]+\b/g)].map((m) => m[0]));
    assert.ok(named.size >= 8);
    for (const name of named) assert.ok(exposed.has(name) || exposed.has(`${name}_bucket`), `${name} is not exposed by HubMetrics`);
  });

  it('checks the thresholds the runbook promises', () => {
    const byName = new Map(alerts.map((a) => [a.name, a]));
    assert.equal(byName.get('SwitchboardGatewayDisconnected')?.keys.get('for'), '5m');
    assert.match(byName.get('SwitchboardInteractionLatencyHigh')?.expr ?? '', /histogram_quantile\(0\.99,.*switchboard_interaction_response_seconds_bucket.*\)\s*>\s*2$/);
    assert.match(byName.get('SwitchboardErrorRateHigh')?.expr ?? '', />\s*0\.05$/);
    assert.equal(byName.get('SwitchboardErrorRateHigh')?.keys.get('for'), '15m');
    assert.match(byName.get('SwitchboardInvalidRequestsHigh')?.expr ?? '', /^switchboard_discord_invalid_requests >= 5000$/);
    assert.match(byName.get('SwitchboardIdentifyBudgetLow')?.expr ?? '', /^switchboard_gateway_identify_remaining < 100$/);
  });
});
