import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RedisFallback } from '../../src/discord/redis-fallback.ts';
import { HubMetrics } from '../../src/metrics/hub-metrics.ts';
import { capturedLogger } from '../support/captured-logger.ts';
import { sampleValue } from '../support/metrics-text.ts';

function setup(options: { timeoutMs?: number } = {}) {
  let time = 1_000_000;
  const clock = { now: () => time, advance: (ms: number) => (time += ms) };
  const metrics = new HubMetrics({ defaultMetrics: false });
  const { logger, lines } = capturedLogger();
  const fallback = new RedisFallback({ timeoutMs: options.timeoutMs ?? 50, retryAfterMs: 5_000, logger, metrics, now: clock.now });
  return { clock, metrics, lines, fallback };
}

const failing = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6390'));

describe('RedisFallback', () => {
  it('passes results through while Redis answers', async () => {
    const { fallback, metrics } = setup();
    assert.equal(await fallback.run(async () => 7), 7);
    assert.equal(fallback.shared, true);
    assert.equal(sampleValue(await metrics.metricsText(), 'switchboard_discord_rest_limits_shared'), 1);
  });

  it('answers undefined when Redis fails, warns once, and leaves Redis alone for a while', async () => {
    const { fallback, metrics, lines, clock } = setup();
    assert.equal(await fallback.run(failing), undefined);
    assert.equal(fallback.shared, false);

    let asked = 0;
    const counting = async () => {
      asked++;
      return 'answer';
    };
    assert.equal(await fallback.run(counting), undefined, 'within the pause the local state is used');
    assert.equal(asked, 0, 'and Redis is not asked');

    clock.advance(5_000);
    assert.equal(await fallback.run(failing), undefined);
    const warnings = lines.filter((line) => line.level === 'warn');
    assert.equal(warnings.length, 1, 'one warning for the whole outage');
    assert.match(warnings[0]?.msg ?? '', /kept per instance/);
    let text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_discord_rest_limits_shared'), 0);
    assert.equal(sampleValue(text, 'switchboard_errors_total', { type: 'rest_shared_limits' }), 2);

    clock.advance(5_000);
    assert.equal(await fallback.run(counting), 'answer');
    assert.equal(asked, 1);
    assert.equal(fallback.shared, true);
    assert.equal(lines.filter((line) => line.level === 'info' && /shared by every instance again/.test(line.msg)).length, 1);
    text = await metrics.metricsText();
    assert.equal(sampleValue(text, 'switchboard_discord_rest_limits_shared'), 1);
  });

  it('does not wait for a Redis that does not answer', async () => {
    const { fallback } = setup({ timeoutMs: 30 });
    const started = performance.now();
    assert.equal(await fallback.run(() => new Promise(() => {})), undefined);
    const took = performance.now() - started;
    assert.ok(took >= 25 && took < 500, `took ${took} ms`);
    assert.equal(fallback.shared, false);
  });

  it('refuses settings that would never ask Redis or never wait for it', () => {
    assert.throws(() => new RedisFallback({ timeoutMs: 0 }), /timeoutMs > 0/);
    assert.throws(() => new RedisFallback({ retryAfterMs: -1 }), RangeError);
  });
});
