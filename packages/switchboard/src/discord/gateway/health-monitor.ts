/** Checks every shard at an interval and restarts one after three unhealthy checks in a row. */
import type { Logger } from 'pino';
import type { GatewaySupervisor } from './gateway-supervisor.ts';
import { shardHealth, type HealthBounds } from './shard-health.ts';

export const FAILED_CHECKS_BEFORE_RESTART = 3;

export class HealthMonitor {
  readonly #supervisor: GatewaySupervisor;
  readonly #bounds: HealthBounds;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #failures = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  restarts = 0;

  constructor(options: { supervisor: GatewaySupervisor; bounds: HealthBounds; intervalMs: number; logger: Logger }) {
    this.#supervisor = options.supervisor;
    this.#bounds = options.bounds;
    this.#intervalMs = options.intervalMs;
    this.#logger = options.logger;
  }

  start(): void {
    this.stop();
    this.#timer = setInterval(() => this.check(), this.#intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#failures.clear();
  }

  /** One round of checks; exposed for tests. */
  check(now = Date.now()): void {
    for (const shard of this.#supervisor.shardStates()) {
      const verdict = shardHealth(shard, now, this.#bounds);
      if (verdict.healthy !== false) {
        this.#failures.delete(shard.id);
        continue;
      }
      const failures = (this.#failures.get(shard.id) ?? 0) + 1;
      this.#failures.set(shard.id, failures);
      this.#logger.warn({ shard: shard.id, failures, reason: verdict.reason }, 'gateway health check failed');
      if (failures >= FAILED_CHECKS_BEFORE_RESTART) {
        this.#failures.delete(shard.id);
        this.restarts++;
        this.#logger.error({ shard: shard.id, reason: verdict.reason }, 'restarting an unhealthy gateway connection');
        this.#supervisor.restartUnhealthy(shard.id);
      }
    }
  }
}
