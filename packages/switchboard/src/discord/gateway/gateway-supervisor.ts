/**
 * The one owner of the gateway connections. Each shard has a state held only here and changed only by
 * `transition()` (connection-state.ts) in response to what the shard reports; the effects it returns
 * (connect, disconnect, retry after a backoff) are carried out here. Every transition is logged and
 * counted, and the state is readable at any time through `shardStates()`. Shards can be added and removed
 * while running, as the shard leases (shard-leases.ts) move them between instances.
 */
import type { GatewayDispatchPayload, GatewayReadyDispatchData } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { initialConnectionState, transition, type ConnectionEvent, type ConnectionState, type Effect, type SupervisorPolicy } from '../connection-state.ts';
import { GatewayShard, type ShardListener } from './gateway-shard.ts';
import type { IdentifyWaiter } from './identify-gate.ts';
import type { SessionStore } from './session-store.ts';

export type SupervisorOptions = {
  token: string;
  intents: number;
  gatewayUrl: string;
  shardIds: number[];
  shardCount: number;
  policy: SupervisorPolicy;
  sessions: SessionStore;
  identifyGate: IdentifyWaiter;
  logger: Logger;
  /** A returned promise says when the dispatch has been handled (see ShardListener.onDispatch). */
  onDispatch(shardId: number, payload: GatewayDispatchPayload, sessionId: string | undefined): unknown;
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
  readonly #listener: ShardListener;
  #started = false;
  transitions = 0;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#listener = {
      onOpen: (id) => this.#feed(id, { type: 'connecting' }),
      onReady: (id, data) => {
        this.#feed(id, { type: 'ready' });
        options.onReady?.(id, data);
      },
      onResumed: (id) => this.#feed(id, { type: 'resumed' }),
      onDispatch: (id, payload, sessionId) => options.onDispatch(id, payload, sessionId),
      onClose: (id, code, reason) => this.#feed(id, { type: 'closed', code, reason }),
      onHeartbeatAck: () => undefined,
      onZombie: (id) => this.#feed(id, { type: 'heartbeatMissed' }),
    };
    for (const id of options.shardIds) this.#create(id);
  }

  #create(id: number): Supervised {
    if (!Number.isInteger(id) || id < 0 || id >= this.#options.shardCount) {
      throw new RangeError(`shard ${id} does not exist: shard ids run from 0 to ${this.#options.shardCount - 1}`);
    }
    const shard = new GatewayShard({
      id,
      count: this.#options.shardCount,
      token: this.#options.token,
      intents: this.#options.intents,
      gatewayUrl: this.#options.gatewayUrl,
      sessions: this.#options.sessions,
      identifyGate: this.#options.identifyGate,
      listener: this.#listener,
      logger: this.#options.logger,
    });
    const supervised: Supervised = { shard, state: initialConnectionState(), retryTimer: undefined };
    this.#shards.set(id, supervised);
    return supervised;
  }

  start(): void {
    this.#started = true;
    for (const id of this.#shards.keys()) this.#feed(id, { type: 'start' });
  }

  stop(): void {
    this.#started = false;
    for (const id of this.#shards.keys()) this.#feed(id, { type: 'stop' });
  }

  /** The shards this supervisor runs now. */
  shardIds(): number[] {
    return [...this.#shards.keys()].sort((a, b) => a - b);
  }

  /**
   * Takes a shard on while running (after start, it connects at once). With `resume`, it first tries the
   * stored session, as when taking over a shard whose previous owner stopped or died. False when already run here.
   */
  addShard(id: number, options: { resume?: boolean } = {}): boolean {
    if (this.#shards.has(id)) return false;
    this.#create(id);
    if (this.#started) this.#feed(id, { type: 'start', resume: options.resume === true });
    return true;
  }

  /**
   * Gives a shard up. `stop` ends its session like a shutdown. `handOver` keeps the session resumable and
   * stores it as handled so far, so that the next owner RESUMEs it (and is replayed what this one may not
   * have handled). `lost` keeps it resumable but writes nothing: another instance owns the shard already.
   */
  async removeShard(id: number, options: { mode: 'stop' | 'handOver' | 'lost' } = { mode: 'stop' }): Promise<boolean> {
    const supervised = this.#shards.get(id);
    if (!supervised) return false;
    this.#feed(id, { type: options.mode === 'stop' ? 'stop' : 'handOver' });
    this.#shards.delete(id);
    if (supervised.retryTimer) clearTimeout(supervised.retryTimer);
    if (options.mode !== 'stop') await supervised.shard.retire({ store: options.mode === 'handOver' });
    return true;
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
        supervised.shard.close(supervised.state.status === 'stopped' && !effect.keepSession ? 1000 : undefined, effect.reason.slice(0, 120));
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
