/**
 * The health monitor's verdict on one shard, kept pure: a shard is unhealthy when it is not ready, when
 * its last heartbeat acknowledgement is older than two intervals' worth, or when its latency is beyond
 * the bound. Three unhealthy checks in a row restart the connection (see health-monitor.ts).
 */
import type { ShardSnapshot } from './gateway-supervisor.ts';

export type HealthBounds = { maxLatencyMs: number; maxAckAgeMs: number };

export type ShardHealth = { healthy: true } | { healthy: false; reason: string } | { healthy: 'not-applicable' };

export function shardHealth(shard: ShardSnapshot, now: number, bounds: HealthBounds): ShardHealth {
  const status = shard.connection.status;
  // A stopped or failed shard is not the monitor's business: stopping was asked for, failing needs a person.
  if (status === 'stopped' || status === 'failed') return { healthy: 'not-applicable' };
  if (status !== 'ready') return { healthy: false, reason: `not ready (${status})` };
  if (shard.lastAckAt !== null && now - shard.lastAckAt > bounds.maxAckAgeMs) {
    return { healthy: false, reason: `no heartbeat acknowledgement for ${Math.round((now - shard.lastAckAt) / 1000)} s` };
  }
  if (shard.latencyMs !== null && shard.latencyMs > bounds.maxLatencyMs) {
    return { healthy: false, reason: `latency ${shard.latencyMs} ms is above ${bounds.maxLatencyMs} ms` };
  }
  return { healthy: true };
}
