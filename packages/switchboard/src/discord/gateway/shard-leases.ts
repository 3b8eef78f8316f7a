/**
 * Shard ownership across instances through Redis leases. A shard is run by the instance whose owner token is
 * in `<prefix>shard:<id>:owner` (set with NX and an expiry, renewed at every poll by a compare-and-set script
 * that only extends the lease of its holder, deleted by the same kind of script on a graceful hand-over).
 * Live instances beat into a sorted set (`<prefix>instances`, scored by expiry on Redis's clock) so that each
 * knows its fair share (shard-share.ts). A dead instance's leases expire; any instance then takes the shard
 * and RESUMEs its stored session, so failover takes at most the lease TTL plus a poll or two.
 *
 * An instance that cannot renew a lease (another holds it, or Redis was unreachable until the lease would
 * have expired) stops the shard at once, so that two instances never keep the same shard running.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { planShare } from './shard-share.ts';

/** What the coordinator drives: the gateway supervisor and its session store. */
export interface ShardHost {
  /** Run the shard, resuming its stored session when there is one. */
  take(shardId: number): void;
  /** Stop the shard, keep its session resumable and store it as handled so far (before the lease is released). */
  handOver(shardId: number): Promise<void>;
  /** Stop the shard without writing its session: someone else owns it now. */
  drop(shardId: number): Promise<void>;
}

export type ShardLeaseOptions = {
  redis: Redis;
  /** Prepended to the keys (`<prefix>shard:<id>:owner`, `<prefix>instances`). */
  prefix: string;
  instanceId: string;
  shardCount: number;
  /** The shards this instance takes first (SHARD_IDS). */
  preferred: readonly number[];
  host: ShardHost;
  logger: Logger;
  ttlMs?: number;
  intervalMs?: number;
  /** Told whenever the set of owned shards changes. */
  onOwnedChange?(owned: number[]): void;
};

export const SHARD_LEASE_TTL_MS = 12_000;
export const SHARD_LEASE_POLL_MS = 3_000;

/** Extends the lease only when the caller still holds it. */
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Deletes the lease only when the caller still holds it. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Records this instance as live until now + TTL (Redis's clock), forgets expired ones, answers the live owner tokens. */
const BEAT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[1] ~= '' then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

/** `<instance id>:<random>`: unique per process, so that a restarted instance with the same id waits for its old leases. */
export function ownerToken(instanceId: string): string {
  return `${instanceId}:${randomBytes(4).toString('hex')}`;
}

export class ShardLeaseCoordinator {
  readonly owner: string;
  readonly #o: ShardLeaseOptions;
  readonly #ttlMs: number;
  readonly #intervalMs: number;
  /** Owned shards and until when (local clock) the lease is surely still ours. */
  readonly #owned = new Map<number, number>();
  #freeBefore = new Set<number>();
  #joined = false;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #running = false;
  /** Set by stop(): a round still running takes nothing more. */
  #stopping = false;

  constructor(options: ShardLeaseOptions) {
    if (!Number.isInteger(options.shardCount) || options.shardCount < 1) throw new RangeError(`shardCount must be a positive whole number, got ${options.shardCount}`);
    const outside = options.preferred.filter((id) => !Number.isInteger(id) || id < 0 || id >= options.shardCount);
    if (outside.length > 0) throw new RangeError(`preferred shards ${outside.join(', ')} are not below the shard count ${options.shardCount}`);
    this.#o = options;
    this.#ttlMs = options.ttlMs ?? SHARD_LEASE_TTL_MS;
    this.#intervalMs = options.intervalMs ?? SHARD_LEASE_POLL_MS;
    if (this.#intervalMs * 2 >= this.#ttlMs) throw new RangeError(`the lease TTL (${this.#ttlMs} ms) must be more than twice the poll interval (${this.#intervalMs} ms)`);
    this.owner = ownerToken(options.instanceId);
  }

  ownerKey(shardId: number): string {
    return `${this.#o.prefix}shard:${shardId}:owner`;
  }

  get instancesKey(): string {
    return `${this.#o.prefix}instances`;
  }

  /** The shards this instance owns now, ascending. */
  owned(): number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  /** Polls at once, then every interval until stopped. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.poll();
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.poll().finally(() => this.#schedule());
    }, this.#intervalMs);
  }

  /** One round: beat, renew, take and release. Rounds never overlap. */
  poll(): Promise<void> {
    this.#polling ??= this.#round()
      .catch((error: unknown) => this.#o.logger.warn({ err: error }, 'shard lease round failed; the next one tries again'))
      .finally(() => (this.#polling = undefined));
    return this.#polling;
  }

  async #round(): Promise<void> {
    const { redis, logger } = this.#o;
    await this.#renew();
    if (this.#stopping) return;
    const liveOwners = (await redis.eval(BEAT_SCRIPT, 1, this.instancesKey, this.owner, String(this.#ttlMs))) as string[];
    const live = liveOwners.length;
    const ids = Array.from({ length: this.#o.shardCount }, (_, i) => i);
    const holders = await redis.mget(ids.map((id) => this.ownerKey(id)));
    const free = ids.filter((id) => holders[id] === null);
    const others = liveOwners.filter((owner) => owner !== this.owner).map((owner) => ({ owner, count: holders.filter((h) => h === owner).length }));
    const plan = planShare({
      shardCount: this.#o.shardCount,
      preferred: this.#o.preferred,
      owned: new Set(this.#owned.keys()),
      free,
      freeBefore: this.#freeBefore,
      liveInstances: live,
      self: this.owner,
      others,
      joining: !this.#joined,
    });
    this.#joined = true;
    let changed = false;
    for (const id of plan.take) {
      const startedAt = Date.now();
      if ((await redis.set(this.ownerKey(id), this.owner, 'PX', this.#ttlMs, 'NX')) !== 'OK') continue;
      this.#owned.set(id, startedAt + this.#ttlMs);
      logger.info({ shard: id, owner: this.owner, liveInstances: live }, 'shard lease taken');
      this.#o.host.take(id);
      changed = true;
    }
    for (const id of plan.release) {
      await this.#release(id, 'balance');
      changed = true;
    }
    this.#freeBefore = new Set(free.filter((id) => !this.#owned.has(id)));
    if (changed) this.#o.onOwnedChange?.(this.owned());
  }

  /** Extends every owned lease; a lease another instance holds, or one not renewed in time, stops its shard. */
  async #renew(): Promise<void> {
    let changed = false;
    for (const [id, validUntil] of [...this.#owned]) {
      const startedAt = Date.now();
      let held: boolean;
      try {
        held = Number(await this.#o.redis.eval(RENEW_SCRIPT, 1, this.ownerKey(id), this.owner, String(this.#ttlMs))) === 1;
      } catch (error) {
        // Redis unreachable: the lease may still be ours until it would have expired, minus one poll of margin.
        if (Date.now() + this.#intervalMs < validUntil) {
          this.#o.logger.warn({ err: error, shard: id }, 'could not renew a shard lease; still within its TTL');
          continue;
        }
        this.#o.logger.error({ err: error, shard: id }, 'could not renew a shard lease before it expired: stopping the shard');
        held = false;
      }
      if (held) {
        this.#owned.set(id, startedAt + this.#ttlMs);
        continue;
      }
      this.#owned.delete(id);
      changed = true;
      this.#o.logger.warn({ shard: id, owner: this.owner }, 'shard lease lost: stopping the shard here');
      await this.#o.host.drop(id);
    }
    if (changed) this.#o.onOwnedChange?.(this.owned());
  }

  async #release(id: number, why: string): Promise<void> {
    await this.#o.host.handOver(id);
    this.#owned.delete(id);
    await this.#o.redis.eval(RELEASE_SCRIPT, 1, this.ownerKey(id), this.owner);
    this.#o.logger.info({ shard: id, owner: this.owner, why }, 'shard lease released');
  }

  /** Stops polling, hands every owned shard over (session stored, lease released) and leaves the live set. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#polling;
    const owned = this.owned();
    for (const id of owned) {
      try {
        await this.#release(id, 'shutdown');
      } catch (error) {
        this.#o.logger.warn({ err: error, shard: id }, 'could not release a shard lease; it expires by itself');
      }
    }
    try {
      await this.#o.redis.zrem(this.instancesKey, this.owner);
    } catch (error) {
      this.#o.logger.warn({ err: error }, 'could not leave the live instance set; the entry expires by itself');
    }
    if (owned.length > 0) this.#o.onOwnedChange?.(this.owned());
  }
}
