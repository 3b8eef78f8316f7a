/**
 * The bot's connection to Discord: the REST client (the one rate-limit owner for the token), the
 * preflight (who the application is, which intents it may use, how many shards Discord recommends),
 * the gateway supervisor and the health monitor; and the status that /api/v1/status and /status show.
 * Starting is idempotent and stopping clears every timer. With `cluster` (several instances on one Redis)
 * the shards are not fixed: the shard leases decide which ones run here, sessions and the identify gate
 * live in Redis, and stopping hands this instance's shards over (see docs/cluster.md).
 */
import { API } from '@discordjs/core';
import { DiscordAPIError } from '@discordjs/rest';
import type { Redis } from 'ioredis';
import { GuardedRest } from './guarded-rest.ts';
import { GatewayIntentBits, type APIApplication, type GatewayDispatchPayload } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { backoffDelay } from './backoff.ts';
import type { BotStatus, ModuleStatus } from './bot-status.ts';
import type { ConnectionState, ConnectionStatus } from './connection-state.ts';
import { GatewaySupervisor } from './gateway/gateway-supervisor.ts';
import { HealthMonitor } from './gateway/health-monitor.ts';
import { IdentifyGate } from './gateway/identify-gate.ts';
import { RedisIdentifyGate } from './gateway/redis-identify-gate.ts';
import { RedisSessionStore } from './gateway/redis-session-store.ts';
import { MemorySessionStore, type SessionStore } from './gateway/session-store.ts';
import { ShardLeaseCoordinator } from './gateway/shard-leases.ts';
import { decideIntents, type IntentNeeds } from './intents.ts';

export type DiscordRuntimeOptions<M extends IntentNeeds> = {
  token: string;
  apiUrl: string;
  modules: readonly M[];
  shardCount?: number;
  shardIds?: number[];
  reconnect: { baseMs: number; capMs: number; maxConsecutiveFailures: number };
  health: { intervalMs: number; maxLatencyMs: number };
  version: string;
  logger: Logger;
  sessions?: SessionStore;
  /** Several instances coordinating through Redis; `shardIds` then are the shards this instance takes first. */
  cluster?: ClusterOptions;
  /** A returned promise says when the dispatch has been handled, so that a takeover replays what was not. */
  onDispatch(shardId: number, payload: GatewayDispatchPayload, sessionId: string | undefined): unknown;
  onTransition?(shardId: number, from: ConnectionState, to: ConnectionState): void;
  /** Called once the application and the enabled modules are known, before the gateway connects (command registration). */
  onPreflight?(application: APIApplication, enabledModules: readonly M[]): Promise<void>;
  random?: () => number;
};

export type ClusterOptions = {
  redis: Redis;
  /** Prepended to every key (REDIS_KEY_PREFIX). */
  keyPrefix: string;
  instanceId: string;
  leaseTtlMs?: number;
  leasePollMs?: number;
};

/** A start that cannot succeed until someone changes the configuration. */
export class FatalStartError extends Error {}

const STATE_SEVERITY: ConnectionStatus[] = ['ready', 'starting', 'connecting', 'resuming', 'reconnecting', 'stopped', 'failed'];

/** Generic over the modules it is given, so that this facade never depends on what a module is beyond its intents. */
export class DiscordRuntime<M extends IntentNeeds = IntentNeeds> {
  readonly rest: GuardedRest;
  readonly api: API;
  readonly #options: DiscordRuntimeOptions<M>;
  readonly #sessions: SessionStore;
  #supervisor: GatewaySupervisor | undefined;
  #health: HealthMonitor | undefined;
  #leases: ShardLeaseCoordinator | undefined;
  #application: APIApplication | undefined;
  #moduleStatus: ModuleStatus[];
  #enabledModules: M[] = [];
  #preflightError: string | null = null;
  #preflightState: ConnectionStatus = 'stopped';
  #preflightTimer: NodeJS.Timeout | undefined;
  #preflightAttempts = 0;
  #startedAt: number | null = null;
  #running = false;

  constructor(options: DiscordRuntimeOptions<M>) {
    this.#options = options;
    const cluster = options.cluster;
    this.#sessions =
      options.sessions ??
      (cluster ? new RedisSessionStore(cluster.redis, { prefix: cluster.keyPrefix, logger: options.logger.child({ component: 'gateway-sessions' }) }) : new MemorySessionStore());
    this.rest = new GuardedRest({ version: '10', api: options.apiUrl, timeout: 10_000, retries: 2 }).setToken(options.token) as GuardedRest;
    this.api = new API(this.rest);
    this.#moduleStatus = options.modules.map((m) => ({ name: m.name, enabled: true, reason: null }));
  }

  get application(): APIApplication | undefined {
    return this.#application;
  }

  /** The modules that may run with the application's intents (all of them until the preflight says otherwise). */
  get enabledModules(): readonly M[] {
    return this.#supervisor ? this.#enabledModules : this.#options.modules;
  }

  /**
   * Connects. Throws FatalStartError when the token is rejected or an essential module's intent is
   * missing; when Discord cannot be reached it keeps trying with backoff and says so in the status.
   */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#startedAt = Date.now();
    this.#preflightAttempts = 0;
    await this.#preflight();
  }

  async #preflight(): Promise<void> {
    this.#preflightState = 'starting';
    const { logger } = this.#options;
    try {
      const [application, gateway] = await Promise.all([this.api.applications.getCurrent(), this.api.gateway.getBot()]);
      if (!this.#running) return;
      this.#application = application;
      const decision = decideIntents(this.#options.modules, application.flags ?? 0);
      this.#moduleStatus = this.#options.modules.map((m) => {
        const off = decision.disabled.find((d) => d.module === m);
        return { name: m.name, enabled: !off && decision.fatal === null, reason: off?.reason ?? null };
      });
      for (const off of decision.disabled) logger.warn({ module: off.module.name, reason: off.reason }, 'module disabled');
      if (decision.fatal) throw new FatalStartError(`Switchboard cannot start: ${decision.fatal}.`);
      this.#enabledModules = decision.enabled;
      await this.#options.onPreflight?.(application, decision.enabled);
      const shardCount = this.#options.shardCount ?? gateway.shards;
      const cluster = this.#options.cluster;
      // In a cluster the leases add the shards; SHARD_IDS only says which ones this instance takes first.
      const shardIds = cluster ? [] : (this.#options.shardIds ?? Array.from({ length: shardCount }, (_, i) => i));
      const maxConcurrency = gateway.session_start_limit.max_concurrency;
      logger.info(
        {
          application: application.id,
          shardCount,
          shardIds: cluster ? `leased (preferred: ${(this.#options.shardIds ?? []).join(',') || 'none'})` : shardIds,
          intents: decision.intents,
          identifiesLeft: gateway.session_start_limit.remaining,
        },
        'connecting to the Discord gateway',
      );
      this.#supervisor = new GatewaySupervisor({
        token: this.#options.token,
        // Guild events feed the hub's own view of channels and roles, whatever the modules ask for.
        intents: decision.intents | GatewayIntentBits.Guilds,
        gatewayUrl: gateway.url,
        shardIds,
        shardCount,
        policy: { ...this.#options.reconnect },
        sessions: this.#sessions,
        identifyGate: cluster
          ? new RedisIdentifyGate(cluster.redis, { prefix: cluster.keyPrefix, maxConcurrency, holder: cluster.instanceId })
          : new IdentifyGate(maxConcurrency),
        logger: logger.child({ component: 'gateway' }),
        onDispatch: this.#options.onDispatch,
        onTransition: this.#options.onTransition,
        random: this.#options.random,
      });
      this.#health = new HealthMonitor({
        supervisor: this.#supervisor,
        intervalMs: this.#options.health.intervalMs,
        bounds: { maxLatencyMs: this.#options.health.maxLatencyMs, maxAckAgeMs: 3 * this.#options.health.intervalMs },
        logger: logger.child({ component: 'health' }),
      });
      this.#preflightError = null;
      this.#supervisor.start();
      this.#health.start();
      if (cluster) {
        const supervisor = this.#supervisor;
        this.#leases = new ShardLeaseCoordinator({
          redis: cluster.redis,
          prefix: cluster.keyPrefix,
          instanceId: cluster.instanceId,
          shardCount,
          preferred: this.#options.shardIds ?? [],
          ttlMs: cluster.leaseTtlMs,
          intervalMs: cluster.leasePollMs,
          logger: logger.child({ component: 'shard-leases' }),
          host: {
            take: (id) => void supervisor.addShard(id, { resume: true }),
            handOver: async (id) => {
              await supervisor.removeShard(id, { mode: 'handOver' });
              await this.#sessions.flush();
            },
            drop: async (id) => void (await supervisor.removeShard(id, { mode: 'lost' })),
          },
        });
        await this.#leases.start();
      }
    } catch (error) {
      if (error instanceof FatalStartError) return this.#fail(error.message, error);
      if (error instanceof DiscordAPIError && error.status === 401) {
        return this.#fail('DISCORD_TOKEN was rejected by Discord: create a new token in the Developer Portal and set DISCORD_TOKEN.', error);
      }
      this.#preflightAttempts++;
      const reason = error instanceof Error ? error.message : String(error);
      this.#preflightError = `could not reach Discord (${reason})`;
      if (this.#preflightAttempts >= this.#options.reconnect.maxConsecutiveFailures) {
        this.#preflightState = 'failed';
        this.#preflightError = `gave up after ${this.#preflightAttempts} attempts: ${this.#preflightError}`;
        logger.error({ err: error }, this.#preflightError);
        return;
      }
      const delayMs = backoffDelay(this.#preflightAttempts - 1, this.#options.reconnect, this.#options.random);
      this.#preflightState = 'reconnecting';
      logger.warn({ err: error, delayMs, attempt: this.#preflightAttempts }, 'could not reach Discord; retrying');
      this.#preflightTimer = setTimeout(() => void this.#preflight(), delayMs);
    }
  }

  #fail(message: string, error: unknown): never {
    this.#preflightState = 'failed';
    this.#preflightError = message;
    this.#running = false;
    this.#options.logger.error({ err: error }, message);
    throw error instanceof FatalStartError ? error : new FatalStartError(message);
  }

  /** Disconnects every shard and clears every timer. The REST client stays usable. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#preflightTimer) clearTimeout(this.#preflightTimer);
    this.#preflightTimer = undefined;
    this.#health?.stop();
    // Shards are handed over first (sessions stored, leases released), so that another instance resumes them at once.
    await this.#leases?.stop();
    this.#leases = undefined;
    this.#supervisor?.stop();
    this.#supervisor = undefined;
    await this.#sessions.flush().catch((error: unknown) => this.#options.logger.warn({ err: error }, 'could not store the gateway sessions at shutdown'));
    this.#health = undefined;
    this.#preflightState = 'stopped';
  }

  /** Stops, then releases the REST client's timers. */
  async close(): Promise<void> {
    await this.stop();
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
  }

  get supervisor(): GatewaySupervisor | undefined {
    return this.#supervisor;
  }

  get healthMonitor(): HealthMonitor | undefined {
    return this.#health;
  }

  /** The shard leases, when running as one of several instances. */
  get shardLeases(): ShardLeaseCoordinator | undefined {
    return this.#leases;
  }

  /** The ids of the guilds the bot is in, as its shards know them; empty while not connected. */
  guildIds(): ReadonlySet<string> {
    return this.#supervisor?.guildIds() ?? new Set();
  }

  status(): BotStatus {
    const shards = this.#supervisor?.shardStates() ?? [];
    // An instance of a cluster whose share is no shard right now is connected and ready: it serves the API.
    const idleInCluster = shards.length === 0 && this.#leases !== undefined;
    const states = shards.length > 0 ? shards.map((s) => s.connection.status) : [idleInCluster ? 'ready' : this.#preflightState];
    const state = states.reduce((worst, s) => (STATE_SEVERITY.indexOf(s) > STATE_SEVERITY.indexOf(worst) ? s : worst), 'ready' as ConnectionStatus);
    const latencies = shards.map((s) => s.latencyMs).filter((l): l is number => l !== null);
    const shardErrors = shards.map((s) => s.connection.lastError?.message).filter((m): m is string => Boolean(m));
    const ready = idleInCluster || (shards.length > 0 && shards.every((s) => s.connection.status === 'ready'));
    const connected =
      idleInCluster ||
      (shards.length > 0 && shards.every((s) => ['ready', 'connecting', 'resuming'].includes(s.connection.status) && !s.connection.retryPending));
    return {
      running: this.#running && state !== 'failed',
      connected,
      ready,
      state,
      uptimeSeconds: this.#startedAt && this.#running ? Math.round((Date.now() - this.#startedAt) / 1000) : 0,
      guilds: shards.reduce((n, s) => n + s.guilds, 0),
      latencyMs: latencies.length > 0 ? Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : null,
      shards: shards.map((s) => ({
        id: s.id,
        state: s.connection.status,
        latencyMs: s.latencyMs,
        guilds: s.guilds,
        lastError: s.connection.lastError?.message ?? null,
      })),
      lastError: this.#preflightError ?? shardErrors.at(-1) ?? null,
      startedAt: this.#startedAt ? new Date(this.#startedAt).toISOString() : null,
      version: this.#options.version,
      modules: this.#moduleStatus,
    };
  }
}
