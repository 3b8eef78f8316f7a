/**
 * Per-IP and per-token request budgets for /api/v1, as token buckets refilled per minute. The IP budget
 * is checked before authentication so that guessing tokens is throttled too.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter, RateLimitRule } from '../rate-limit/rate-limiter.ts';
import { ApiError } from './envelope.ts';

export type RequestRateLimits = { perIpPerMinute: number; perTokenPerMinute: number };

function perMinute(count: number): RateLimitRule {
  return { capacity: count, refillPerSecond: count / 60 };
}

async function enforce(limiter: RateLimiter, key: string, rule: RateLimitRule, reply: FastifyReply, what: string): Promise<void> {
  const decision = await limiter.consume(key, rule);
  reply.header('RateLimit-Limit', String(rule.capacity));
  reply.header('RateLimit-Remaining', String(Math.max(0, Math.floor(decision.remaining))));
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  reply.header('Retry-After', String(seconds));
  throw new ApiError(429, 'rate_limited', `Too many requests from this ${what}; try again in ${seconds} s.`, {
    retryAfterSeconds: seconds,
  });
}

export function requestRateLimiter(limiter: RateLimiter, limits: RequestRateLimits) {
  const ipRule = perMinute(limits.perIpPerMinute);
  const tokenRule = perMinute(limits.perTokenPerMinute);
  return {
    byIp: (request: FastifyRequest, reply: FastifyReply) => enforce(limiter, `http:ip:${request.ip}`, ipRule, reply, 'address'),
    byToken: (tokenId: string, reply: FastifyReply) => enforce(limiter, `http:token:${tokenId}`, tokenRule, reply, 'token'),
  };
}
