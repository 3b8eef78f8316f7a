/**
 * A rate limiter shared by every Switchboard instance that uses the same Redis. One Lua script reads,
 * refills and writes a bucket atomically, with Redis `TIME` as the clock so that instances whose own clocks
 * disagree still share one budget. A bucket's key expires when it would be full again, so idle keys cost
 * nothing. Needs Redis 5 or later (scripts that read `TIME` and then write).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimiter, RateLimitRule } from './rate-limiter.ts';
import { isUsableRule, ROUNDING_SLACK_MS, UNUSABLE_RULE_DECISION } from './token-bucket.ts';

/** The same arithmetic as `takeFromBucket`; a retry of -1 stands for "never" (cost above capacity). */
const TAKE_SCRIPT = `
local function msToRefill(missing, rate)
  if missing <= 0 then return 0 end
  return math.max(1, math.ceil(missing * 1000 / rate - ${ROUNDING_SLACK_MS}))
end
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
local at = now
if stored[1] and stored[2] then
  local storedAt = tonumber(stored[2])
  tokens = math.min(capacity, tonumber(stored[1]) + math.max(0, now - storedAt) * rate / 1000)
  at = math.max(now, storedAt)
end
local allowed = tokens >= cost
if allowed then tokens = tokens - cost end
local retry = 0
if not allowed then
  if cost > capacity then retry = -1 else retry = msToRefill(cost - tokens, rate) end
end
local reset = msToRefill(capacity - tokens, rate)
if reset > 0 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', at)
  redis.call('PEXPIRE', KEYS[1], reset + at - now)
else
  redis.call('DEL', KEYS[1])
end
if allowed then allowed = 1 else allowed = 0 end
return { allowed, math.floor(tokens), retry, reset }
`;

const TAKE_SCRIPT_SHA = createHash('sha1').update(TAKE_SCRIPT).digest('hex');

export type RedisRateLimiterOptions = {
  /** Prepended to every bucket key, so that several hubs or tests can share one Redis. */
  prefix?: string;
  /** Whether `close()` also quits the connection; off by default because the caller usually owns it. */
  quitOnClose?: boolean;
};

/** Reads the script's reply, which Redis returns as an array of four integers. */
function toDecision(reply: unknown): RateLimitDecision {
  if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((value) => typeof value === 'number')) {
    throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
  }
  const [allowed, remaining, retry, reset] = reply as [number, number, number, number];
  return { allowed: allowed === 1, remaining, retryAfterMs: retry < 0 ? Infinity : retry, resetAfterMs: reset };
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #quitOnClose: boolean;

  constructor(redis: Redis, options: RedisRateLimiterOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'switchboard:rate-limit:';
    this.#quitOnClose = options.quitOnClose ?? false;
  }

  async consume(key: string, rule: RateLimitRule, cost = 1): Promise<RateLimitDecision> {
    if (!isUsableRule(rule, cost)) return UNUSABLE_RULE_DECISION;
    const args = [this.#prefix + key, String(rule.capacity), String(rule.refillPerSecond), String(cost)];
    try {
      return toDecision(await this.#redis.evalsha(TAKE_SCRIPT_SHA, 1, ...args));
    } catch (error) {
      // After a restart or SCRIPT FLUSH the server no longer knows the script; EVAL loads it again.
      if (!isNoScriptError(error)) throw error;
      return toDecision(await this.#redis.eval(TAKE_SCRIPT, 1, ...args));
    }
  }

  async close(): Promise<void> {
    if (this.#quitOnClose) await this.#redis.quit();
  }
}
