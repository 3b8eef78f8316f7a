/**
 * The one owner of the gateway connections. Each shard has a state held only here and changed only by
 * `transition()` (connection-state.ts) in response to what the shard reports; the effects it returns
 * (connect, disconnect, retry after a backoff) are carried out here. Every transition is logged and
 * counted, and the state is readable at any time through `shardStates()`.
 */
import type { GatewayDispatchPayload, GatewayReadyDispatchData } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { initialConnectionState, transition, type ConnectionEvent, type ConnectionState, type Effect, type SupervisorPolicy } from '../connection-state.ts';
import { GatewayShard, type ShardListener } from './gateway-shard.ts';
import type { IdentifyGate } from './identify-gate.ts';
import type { SessionStore } from './session-store.ts';

export type SupervisorOptions = {
  token: string;
  intents: number;
  gatewayUrl: string;
  shardIds: number[];
  shardCount: number;
  policy: SupervisorPolicy;
  sessions: SessionStore;
  identifyGate: IdentifyGate;
  logger: Logger;
  onDispatch(shardId: number, payload: GatewayDispatchPayload): void;
  onReady?(shardId: number, data: GatewayReadyDispatchData): void;
  /** Told of every state change, for metrics. */
  onTransition?(shardId: number, from: ConnectionState, to: ConnectionState): void;
  random?: () => number;
};

export type ShardSnapshot = {
  id: number;
  connection: ConnectionState;
  latencyMs: number | null;
  lastAckAt: number | null;
  guilds: number;
};

type Supervised = { shard: GatewayShard; state: ConnectionState; retryTimer: NodeJS.Timeout | undefined };

export class GatewaySupervisor {
  readonly #options: SupervisorOptions;
  readonly #shards = new Map<number, Supervised>();
  transitions = 0;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    const listener: ShardListener = {
      onOpen: (id) => this.#feed(id, { type: 'connecting' }),
      onReady: (id, data) => {
        this.#feed(id, { type: 'ready' });
        options.onReady?.(id, data);
      },
      onResumed: (id) => this.#feed(id, { type: 'resumed' }),
      onDispatch: (id, payload) => options.onDispatch(id, payload),
      onClose: (id, code, reason) => this.#feed(id, { type: 'closed', code, reason }),
      onHeartbeatAck: () => undefined,
      onZombie: (id) => this.#feed(id, { type: 'heartbeatMissed' }),
    };
    for (const id of options.shardIds) {
      const shard = new GatewayShard({
        id,
        count: options.shardCount,
        token: options.token,
        intents: options.intents,
        gatewayUrl: options.gatewayUrl,
        sessions: options.sessions,
        identifyGate: options.identifyGate,
        listener,
        logger: options.logger,
      });
      this.#shards.set(id, { shard, state: initialConnectionState(), retryTimer: undefined });
    }
  }

  start(): void {
    for (const id of this.#shards.keys()) this.#feed(id, { type: 'start' });
  }

  stop(): void {
    for (const id of this.#shards.keys()) this.#feed(id, { type: 'stop' });
  }

  /** Restarts a shard that looks dead (the health monitor's verdict), through the same backoff. */
  restartUnhealthy(shardId: number): void {
    this.#feed(shardId, { type: 'heartbeatMissed' });
  }

  shardStates(): ShardSnapshot[] {
    return [...this.#shards.entries()].map(([id, s]) => ({
      id,
      connection: s.state,
      latencyMs: s.shard.latencyMs,
      lastAckAt: s.shard.lastAckAt,
      guilds: s.shard.guilds.size,
    }));
  }

  /** The ids of the guilds the shards hold now (from READY and GUILD_CREATE/DELETE). */
  guildIds(): Set<string> {
    const ids = new Set<string>();
    for (const { shard } of this.#shards.values()) for (const id of shard.guilds) ids.add(id);
    return ids;
  }

  send(shardId: number, payload: Parameters<GatewayShard['send']>[0]): boolean {
    return this.#shards.get(shardId)?.shard.send(payload) ?? false;
  }

  #feed(shardId: number, event: ConnectionEvent): void {
    const supervised = this.#shards.get(shardId);
    if (!supervised) return;
    const from = supervised.state;
    const { state, effects } = transition(from, event, this.#options.policy, this.#options.random);
    supervised.state = state;
    if (state !== from) {
      this.transitions++;
      const fields = { shard: shardId, event: event.type, from: from.status, to: state.status, failures: state.consecutiveFailures };
      if (state.status === 'failed') this.#options.logger.error({ ...fields, reason: state.lastError?.message }, 'gateway connection failed');
      else if (event.type === 'closed') this.#options.logger.warn({ ...fields, code: event.code, reason: state.lastError?.message }, 'gateway connection closed');
      else this.#options.logger.info(fields, 'gateway state changed');
      this.#options.onTransition?.(shardId, from, state);
    }
    for (const effect of effects) this.#apply(shardId, supervised, effect);
  }

  #apply(shardId: number, supervised: Supervised, effect: Effect): void {
    switch (effect.kind) {
      case 'connect':
        supervised.shard.connect(effect.resume).catch((error: unknown) => {
          this.#options.logger.warn({ shard: shardId, err: error }, 'could not open the gateway connection');
          this.#feed(shardId, { type: 'closed', code: 1006, reason: error instanceof Error ? error.message : String(error) });
        });
        return;
      case 'disconnect':
        supervised.shard.close(supervised.state.status === 'stopped' ? 1000 : undefined, effect.reason.slice(0, 120));
        return;
      case 'scheduleRetry':
        this.#options.logger.info({ shard: shardId, delayMs: effect.delayMs }, 'gateway reconnect scheduled');
        supervised.retryTimer = setTimeout(() => {
          supervised.retryTimer = undefined;
          this.#feed(shardId, { type: 'retryDue' });
        }, effect.delayMs);
        return;
      case 'cancelRetry':
        if (supervised.retryTimer) clearTimeout(supervised.retryTimer);
        supervised.retryTimer = undefined;
        return;
      case 'ignored':
        this.#options.logger.debug({ shard: shardId, reason: effect.reason }, 'gateway event ignored');
        return;
    }
  }
}
