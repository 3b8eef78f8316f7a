/**
 * Discord's REST rate-limit state for one bot token, kept in Redis so that every instance spends the same
 * budgets: the global limit (a sliding window of REST_GLOBAL_REQUESTS_PER_SECOND calls, paused for every
 * instance by a global 429) and the per-route buckets learned from the `X-RateLimit-*` headers, keyed by
 * bucket hash and major parameter as Discord keys them. Each operation is one Lua script, so reading and
 * spending a budget is atomic across instances; Redis `TIME` is the clock, so instances whose clocks
 * disagree still agree on when a window ends. Only the Redis side lives here: waiting, ordering and
 * falling back to local state when Redis fails are `SharedRestLimits`' job.
 *
 * A bucket holds `remaining`, `limit`, `resetAt` (Redis time, ms) and `windowMs` (the longest reset-after
 * seen: how long a fresh window lasts). Taking a call decrements `remaining` before the call goes out, so
 * that calls in flight on other instances are counted; an answer can only lower `remaining` or push
 * `resetAt` later within a window, never hand back what was taken. A bucket nobody knows yet is
 * "discovered": the first caller goes alone, the others wait for its answer, so that at most that one call
 * per bucket meets a limit it could not know.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REST_GLOBAL_REQUESTS_PER_SECOND } from 'discord-limits';
import type { RestBucketHeaders } from './rest-bucket-route.ts';

const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/** KEYS: window, pause. ARGV: limit, window ms, member. Returns 0 when taken, else the ms to wait. */
const GLOBAL_TAKE = `${NOW}
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], windowMs)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + windowMs - now)
`;

/** KEYS: bucket. ARGV: discovery ms, owner, keep ms, window margin ms. Returns { taken, ms to wait, discovering }. */
const ROUTE_TAKE = `${NOW}
local discoveryMs = tonumber(ARGV[1])
local stored = redis.call('HMGET', KEYS[1], 'remaining', 'limit', 'resetAt', 'windowMs', 'discovering')
local remaining = tonumber(stored[1])
local limit = tonumber(stored[2])
local resetAt = tonumber(stored[3])
local windowMs = tonumber(stored[4])
local discovering = stored[5] == '1'
local function discover()
  redis.call('HSET', KEYS[1], 'remaining', 0, 'limit', 0, 'resetAt', now + discoveryMs, 'windowMs', 0, 'discovering', 1, 'owner', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], discoveryMs)
  return { 1, 0, 1 }
end
if not resetAt then return discover() end
if resetAt <= now then
  if discovering or not limit or limit < 1 or not windowMs or windowMs <= 0 then return discover() end
  remaining = limit
  resetAt = now + windowMs + tonumber(ARGV[4])
end
if remaining > 0 then
  redis.call('HSET', KEYS[1], 'remaining', remaining - 1, 'resetAt', resetAt)
  redis.call('PEXPIRE', KEYS[1], resetAt - now + tonumber(ARGV[3]))
  return { 1, 0, 0 }
end
local waiting = 0
if discovering then waiting = 1 end
return { 0, math.max(1, resetAt - now), waiting }
`;

/**
 * KEYS: route → hash, bucket, the route's discovery placeholder. ARGV: hash, limit, remaining, reset-after ms,
 * keep ms, route ttl ms. Returns 1 when the answer was applied, 0 when it described a window already over.
 */
const ROUTE_RECORD = `${NOW}
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[6]))
if KEYS[3] ~= KEYS[2] then redis.call('DEL', KEYS[3]) end
local limit = tonumber(ARGV[2])
local answered = tonumber(ARGV[3])
local resetAfter = tonumber(ARGV[4])
local answeredReset = now + resetAfter
local stored = redis.call('HMGET', KEYS[2], 'remaining', 'resetAt', 'windowMs', 'discovering')
local remaining = tonumber(stored[1])
local resetAt = tonumber(stored[2])
local windowMs = tonumber(stored[3]) or 0
if not resetAt or stored[4] == '1' or resetAt <= now then
  remaining = answered
  resetAt = answeredReset
elseif answeredReset + windowMs / 2 < resetAt then
  return 0
else
  remaining = math.min(remaining, answered)
  resetAt = math.max(resetAt, answeredReset)
end
windowMs = math.max(windowMs, resetAfter)
redis.call('HSET', KEYS[2], 'remaining', remaining, 'limit', limit, 'resetAt', resetAt, 'windowMs', windowMs, 'discovering', 0)
redis.call('PEXPIRE', KEYS[2], resetAt - now + tonumber(ARGV[5]))
return 1
`;

/** KEYS: bucket. ARGV: owner. Ends a discovery whose call never got an answer, if it is still that owner's. */
const DISCOVERY_RELEASE = `
local stored = redis.call('HMGET', KEYS[1], 'discovering', 'owner')
if stored[1] == '1' and stored[2] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const COMMANDS = {
  switchboardRestGlobalTake: { numberOfKeys: 2, lua: GLOBAL_TAKE },
  switchboardRestRouteTake: { numberOfKeys: 1, lua: ROUTE_TAKE },
  switchboardRestRouteRecord: { numberOfKeys: 3, lua: ROUTE_RECORD },
  switchboardRestDiscoveryRelease: { numberOfKeys: 1, lua: DISCOVERY_RELEASE },
} as const;

type ScriptCommand = (...keysThenArgs: string[]) => Promise<unknown>;
type ScriptCommands = Record<keyof typeof COMMANDS, ScriptCommand>;

/**
 * Calls leave Redis in order but reach Discord with some jitter (a busy machine delays a call that was
 * given its turn), so the windows counted here are longer than Discord's: the global one by a fifth of a
 * second (at most 50 calls in any 1.2 s, about 42 a second), and a route bucket's window that starts here
 * without an answer from Discord by ROUTE_WINDOW_MARGIN_MS. A little throughput is the price of never
 * meeting a 429 that a late call would have caused.
 */
export const GLOBAL_WINDOW_MS = 1_200;
export const ROUTE_WINDOW_MARGIN_MS = 150;
/** Marks a route that answered without bucket headers: nothing to coordinate until one answers with them. */
const UNLIMITED = '-';

/** Where one bot token's shared REST state lives: the prefix, then a digest of the token (never the token). */
export function restStateKeyPrefix(keyPrefix: string | undefined, botToken: string): string {
  if (!botToken) throw new TypeError("the shared REST state needs the bot token whose limits it holds");
  const digest = createHash('sha256').update(botToken).digest('hex').slice(0, 16);
  return `${keyPrefix ?? 'switchboard:'}discord-rest:${digest}:`;
}

export type RedisRestBucketsOptions = {
  /** Prepended to every key (default `switchboard:`), so that several hubs or tests can share one Redis. */
  keyPrefix?: string;
  /** The bot token whose limits these are; only a digest of it goes into the keys. */
  botToken: string;
  /** How long others wait for the first answer of a bucket nobody knows yet (default 2 s). */
  discoveryMs?: number;
  /** How long a bucket is remembered after its window ends (default 60 s). */
  keepMs?: number;
  /** How long a route's bucket hash is remembered (default 24 h, as the REST client does). */
  routeTtlMs?: number;
};

/** The outcome of one attempt to take a call from a bucket. */
export type RouteTake = { taken: boolean; waitMs: number; discovering: boolean };

export class RedisRestBuckets {
  readonly #redis: Redis;
  readonly #commands: ScriptCommands;
  readonly #prefix: string;
  readonly #discoveryMs: number;
  readonly #keepMs: number;
  readonly #routeTtlMs: number;
  readonly #member = randomUUID();
  #sequence = 0;

  constructor(redis: Redis, options: RedisRestBucketsOptions) {
    this.#redis = redis;
    this.#prefix = restStateKeyPrefix(options.keyPrefix, options.botToken);
    this.#discoveryMs = options.discoveryMs ?? 2_000;
    this.#keepMs = options.keepMs ?? 60_000;
    this.#routeTtlMs = options.routeTtlMs ?? 24 * 60 * 60_000;
    for (const [name, definition] of Object.entries(COMMANDS)) redis.defineCommand(name, definition);
    this.#commands = redis as unknown as ScriptCommands;
  }

  /** Every key of this token starts with this; tests use it to clean up. */
  get keyPrefix(): string {
    return this.#prefix;
  }

  /** Takes one call from the token's global budget: 0 when taken, else how long to wait before asking again. */
  async takeGlobal(): Promise<number> {
    const member = `${this.#member}:${this.#sequence++}`;
    const reply = await this.#commands.switchboardRestGlobalTake(
      `${this.#prefix}global`,
      `${this.#prefix}global-paused`,
      String(REST_GLOBAL_REQUESTS_PER_SECOND),
      String(GLOBAL_WINDOW_MS),
      member,
    );
    return toNumber(reply, 'the global take');
  }

  /** After a global 429: no instance spends the global budget for `ms`. */
  async pauseGlobal(ms: number): Promise<void> {
    await this.#redis.set(`${this.#prefix}global-paused`, '1', 'PX', Math.max(1, Math.ceil(ms)));
  }

  /** The bucket hash Discord gave the route, `null` when nobody knows it yet, or `'unlimited'`. */
  async bucketOf(route: string): Promise<string | null> {
    const hash = await this.#redis.get(this.#routeKey(route));
    return hash === UNLIMITED ? 'unlimited' : hash;
  }

  /** The key of a bucket: by hash when known, otherwise the route's discovery placeholder. */
  bucketKey(route: string, major: string, hash: string | null): string {
    return hash === null ? this.#placeholderKey(route, major) : `${this.#prefix}bucket:${hash}:${major}`;
  }

  /** Takes one call from the bucket, or says how long to wait; `owner` names the caller should it discover the bucket. */
  async takeRoute(bucketKey: string, owner: string): Promise<RouteTake> {
    const reply = await this.#commands.switchboardRestRouteTake(bucketKey, String(this.#discoveryMs), owner, String(this.#keepMs), String(ROUTE_WINDOW_MARGIN_MS));
    if (!Array.isArray(reply) || reply.length !== 3) throw new Error(`unexpected reply from the route take: ${JSON.stringify(reply)}`);
    const [taken, waitMs, discovering] = reply.map((value) => toNumber(value, 'the route take'));
    return { taken: taken === 1, waitMs: waitMs ?? 0, discovering: discovering === 1 };
  }

  /** What an answer said about its bucket. Returns false when it described a window already over. */
  async recordRoute(route: string, major: string, headers: RestBucketHeaders & { hash: string }): Promise<boolean> {
    const reply = await this.#commands.switchboardRestRouteRecord(
      this.#routeKey(route),
      this.bucketKey(route, major, headers.hash),
      this.#placeholderKey(route, major),
      headers.hash,
      String(headers.limit),
      String(headers.remaining),
      String(headers.resetAfterMs),
      String(this.#keepMs),
      String(this.#routeTtlMs),
    );
    return toNumber(reply, 'the route record') === 1;
  }

  /** A successful answer without bucket headers: the route needs no coordination (remembered for ten minutes). */
  async recordUnlimited(route: string, major: string): Promise<void> {
    await this.#redis.multi().set(this.#routeKey(route), UNLIMITED, 'PX', 10 * 60_000).del(this.#placeholderKey(route, major)).exec();
  }

  /** Ends `owner`'s discovery of the bucket when its call got no answer, so that the next caller need not wait it out. */
  async releaseDiscovery(bucketKey: string, owner: string): Promise<void> {
    await this.#commands.switchboardRestDiscoveryRelease(bucketKey, owner);
  }

  #routeKey(route: string): string {
    return `${this.#prefix}route:${route}`;
  }

  #placeholderKey(route: string, major: string): string {
    return `${this.#prefix}bucket:?${route}:${major}`;
  }
}

function toNumber(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new Error(`unexpected reply from ${what}: ${JSON.stringify(value)}`);
  return value;
}
