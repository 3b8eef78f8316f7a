/**
 * The invalid-request count of the whole bot token, summed over every instance through Redis. Discord bans
 * the address (and with it every instance behind it) at 10,000 invalid requests in 10 minutes, so a breaker
 * that counts only its own instance's would let three instances make 5,000 each. Each instance adds its
 * invalid answers to one sliding window in Redis (a hash of one-second steps, Redis `TIME` as the clock)
 * and reads the sum back. Adds are batched: `add()` only counts, and `sync()` — once a second while
 * started — sends what was counted and fetches the total in one round trip, so a burst of 403s does not
 * become a burst of Redis calls. While Redis cannot be reached the total is unknown (`undefined`) and
 * the breaker goes by its own count; the adds wait and are sent once Redis answers again.
 */
import type { Redis } from 'ioredis';
import { INVALID_REQUESTS_WINDOW_MS } from 'discord-limits';
import type { RedisFallback } from './redis-fallback.ts';
import { restStateKeyPrefix } from './redis-rest-buckets.ts';

/** KEYS: window. ARGV: count to add, step ms, window ms. Returns the total over the window. */
const ADD_AND_COUNT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stepMs = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local step = math.floor(now / stepMs)
local oldest = step - math.ceil(windowMs / stepMs)
local add = tonumber(ARGV[1])
if add > 0 then redis.call('HINCRBY', KEYS[1], step, add) end
local total = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if tonumber(all[i]) <= oldest then
    redis.call('HDEL', KEYS[1], all[i])
  else
    total = total + tonumber(all[i + 1])
  end
end
if total > 0 then redis.call('PEXPIRE', KEYS[1], windowMs + stepMs) end
return total
`;

const COMMAND = 'switchboardRestInvalidAddAndCount';
const STEP_MS = 1_000;

export type SharedInvalidRequestCountOptions = {
  keyPrefix?: string;
  botToken: string;
  fallback: RedisFallback;
  /** How often `start()` syncs (default 1 s). */
  syncIntervalMs?: number;
  now?: () => number;
};

export class SharedInvalidRequestCount {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #fallback: RedisFallback;
  readonly #syncIntervalMs: number;
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();
  #pending = 0;
  #synced: { total: number; at: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;

  constructor(redis: Redis, options: SharedInvalidRequestCountOptions) {
    this.#redis = redis;
    this.#key = `${restStateKeyPrefix(options.keyPrefix, options.botToken)}invalid`;
    this.#fallback = options.fallback;
    this.#syncIntervalMs = options.syncIntervalMs ?? 1_000;
    this.#now = options.now ?? Date.now;
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: ADD_AND_COUNT });
  }

  /** Counts one invalid answer of this instance; it reaches Redis with the next sync. */
  add(): void {
    this.#pending++;
  }

  /**
   * Invalid requests of every instance in the last 10 minutes, this instance's unsent ones included;
   * `undefined` when the last sync is too old to trust (Redis failed), so the caller uses its own count.
   */
  total(): number | undefined {
    if (!this.#synced || this.#now() - this.#synced.at > 3 * this.#syncIntervalMs) return undefined;
    return this.#synced.total + this.#pending;
  }

  /** Calls `listener` after each sync that read a total; returns the way to stop. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends the pending adds and reads the total. Concurrent calls share one round trip. */
  sync(): Promise<void> {
    this.#syncing ??= this.#syncOnce().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  /** Syncs every `syncIntervalMs` until `stop()`. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.sync(), this.#syncIntervalMs);
    this.#timer.unref();
    void this.sync();
  }

  /** Stops syncing, after sending what is still pending. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.sync();
  }

  async #syncOnce(): Promise<void> {
    const sending = this.#pending;
    const command = (this.#redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>)[COMMAND]!;
    const reply = await this.#fallback.run(() =>
      command.call(this.#redis, this.#key, String(sending), String(STEP_MS), String(INVALID_REQUESTS_WINDOW_MS)),
    );
    if (typeof reply !== 'number') return;
    this.#pending -= sending;
    this.#synced = { total: reply, at: this.#now() };
    for (const listener of this.#listeners) listener();
  }
}
