/**
 * The bot's connection to Discord: the REST client (the one rate-limit owner for the token), the
 * preflight (who the application is, which intents it may use, how many shards Discord recommends),
 * the gateway supervisor and the health monitor; and the status that /api/v1/status and /status show.
 * Starting is idempotent and stopping clears every timer.
 */
import { API } from '@discordjs/core';
import { DiscordAPIError } from '@discordjs/rest';
import { GuardedRest } from './guarded-rest.ts';
import { GatewayIntentBits, type APIApplication, type GatewayDispatchPayload } from 'discord-api-types/v10';
import type { Logger } from 'pino';
import { backoffDelay } from './backoff.ts';
import type { BotStatus, ModuleStatus } from './bot-status.ts';
import type { ConnectionState, ConnectionStatus } from './connection-state.ts';
import { GatewaySupervisor } from './gateway/gateway-supervisor.ts';
import { HealthMonitor } from './gateway/health-monitor.ts';
import { IdentifyGate } from './gateway/identify-gate.ts';
import { MemorySessionStore, type SessionStore } from './gateway/session-store.ts';
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
  onDispatch(shardId: number, payload: GatewayDispatchPayload): void;
  onTransition?(shardId: number, from: ConnectionState, to: ConnectionState): void;
  /** Called once the application and the enabled modules are known, before the gateway connects (command registration). */
  onPreflight?(application: APIApplication, enabledModules: readonly M[]): Promise<void>;
  random?: () => number;
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
    this.#sessions = options.sessions ?? new MemorySessionStore();
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
      const shardIds = this.#options.shardIds ?? Array.from({ length: shardCount }, (_, i) => i);
      logger.info(
        { application: application.id, shardCount, shardIds, intents: decision.intents, identifiesLeft: gateway.session_start_limit.remaining },
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
        identifyGate: new IdentifyGate(gateway.session_start_limit.max_concurrency),
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
    this.#supervisor?.stop();
    this.#supervisor = undefined;
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

  /** The ids of the guilds the bot is in, as its shards know them; empty while not connected. */
  guildIds(): ReadonlySet<string> {
    return this.#supervisor?.guildIds() ?? new Set();
  }

  status(): BotStatus {
    const shards = this.#supervisor?.shardStates() ?? [];
    const states = shards.length > 0 ? shards.map((s) => s.connection.status) : [this.#preflightState];
    const state = states.reduce((worst, s) => (STATE_SEVERITY.indexOf(s) > STATE_SEVERITY.indexOf(worst) ? s : worst), 'ready' as ConnectionStatus);
    const latencies = shards.map((s) => s.latencyMs).filter((l): l is number => l !== null);
    const shardErrors = shards.map((s) => s.connection.lastError?.message).filter((m): m is string => Boolean(m));
    const ready = shards.length > 0 && shards.every((s) => s.connection.status === 'ready');
    const connected =
      shards.length > 0 && shards.every((s) => ['ready', 'connecting', 'resuming'].includes(s.connection.status) && !s.connection.retryPending);
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
