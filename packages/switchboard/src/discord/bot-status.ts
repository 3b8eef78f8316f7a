/** What GET /api/v1/status, /status and the dashboard show about the bot. */
import type { ConnectionStatus } from './connection-state.ts';

export type ShardStatus = {
  id: number;
  state: ConnectionStatus;
  latencyMs: number | null;
  guilds: number;
  lastError: string | null;
};

export type ModuleStatus = { name: string; enabled: boolean; reason: string | null };

export type BotStatus = {
  /** The supervisor is meant to be connected (started and not stopped or failed). */
  running: boolean;
  /** Every shard has an open gateway connection. */
  connected: boolean;
  /** Every shard has received READY (or RESUMED) on its current connection. */
  ready: boolean;
  /** The worst shard state: failed > stopped > reconnecting > resuming > connecting > starting > ready. */
  state: ConnectionStatus;
  uptimeSeconds: number;
  guilds: number;
  /** The mean heartbeat latency of the shards that have one. */
  latencyMs: number | null;
  shards: ShardStatus[];
  lastError: string | null;
  startedAt: string | null;
  version: string;
  modules: ModuleStatus[];
};
