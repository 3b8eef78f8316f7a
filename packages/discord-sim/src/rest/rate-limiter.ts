/**
 * Discord-style REST rate limiting: fixed-window buckets per route and major parameter, the global per-token
 * limit, and the headers clients read (`X-RateLimit-*`, `Retry-After`).
 */
import { createHash } from 'node:crypto';
import { REST_GLOBAL_REQUESTS_PER_SECOND } from 'discord-limits';
import { minimumTime, type BucketUsage, type MinimumTime } from './minimum-time.ts';
import type { BucketSpec } from './route-limits.ts';

interface Window {
  remaining: number;
  resetAt: number;
}

export interface RateLimitVerdict {
  headers: Record<string, string>;
  /** Present when the request must be answered with 429. */
  limited?: { retryAfterMs: number; scope: 'user' | 'global' | 'shared'; global: boolean };
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

export function bucketHash(name: string): string {
  return createHash('sha256').update(`discord-sim:${name}`).digest('hex').slice(0, 32);
}

export class RateLimiter {
  enabled: boolean;
  private readonly buckets = new Map<string, Window>();
  private readonly global = new Map<string, Window>();
  /** Requests let through per bucket and major parameter, and under the global limit, since the last reset. */
  private readonly usage = new Map<string, BucketUsage>();
  private globalUsage: BucketUsage | null = null;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  private take(map: Map<string, Window>, key: string, limit: number, windowMs: number, now: number): Window & { allowed: boolean } {
    let window = map.get(key);
    if (!window || now >= window.resetAt) {
      window = { remaining: limit, resetAt: now + windowMs };
      map.set(key, window);
    }
    if (window.remaining <= 0) return { ...window, allowed: false };
    window.remaining--;
    return { ...window, allowed: true };
  }

  /** The global limit: REST_GLOBAL_REQUESTS_PER_SECOND per bot token. */
  checkGlobal(token: string, now = Date.now()): RateLimitVerdict | null {
    if (!this.enabled) return null;
    const window = this.take(this.global, token, REST_GLOBAL_REQUESTS_PER_SECOND, 1_000, now);
    if (window.allowed) {
      this.globalUsage ??= { bucket: 'global', limit: REST_GLOBAL_REQUESTS_PER_SECOND, windowMs: 1_000, count: 0 };
      this.globalUsage.count++;
      return null;
    }
    const retryAfterMs = window.resetAt - now;
    return {
      headers: { 'Retry-After': seconds(retryAfterMs), 'X-RateLimit-Global': 'true', 'X-RateLimit-Scope': 'global' },
      limited: { retryAfterMs, scope: 'global', global: true },
    };
  }

  /** Takes one request from the route's bucket and returns the headers to send either way. */
  checkRoute(spec: BucketSpec, major: string, now = Date.now()): RateLimitVerdict {
    if (!this.enabled) return { headers: {} };
    const window = this.take(this.buckets, `${spec.name}:${major}`, spec.limit, spec.windowMs, now);
    const resetAfter = window.resetAt - now;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(spec.limit),
      'X-RateLimit-Remaining': String(Math.max(0, window.remaining)),
      'X-RateLimit-Reset': (window.resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': seconds(resetAfter),
      'X-RateLimit-Bucket': bucketHash(spec.name),
    };
    if (window.allowed) {
      const key = `${spec.name}:${major}`;
      const usage = this.usage.get(key) ?? { bucket: key, limit: spec.limit, windowMs: spec.windowMs, count: 0 };
      usage.count++;
      this.usage.set(key, usage);
      return { headers };
    }
    headers['Retry-After'] = seconds(resetAfter);
    headers['X-RateLimit-Scope'] = 'user';
    return { headers, limited: { retryAfterMs: resetAfter, scope: 'user', global: false } };
  }

  /** The least time the requests let through since the last reset could have taken under these limits. */
  minimumTime(): MinimumTime {
    return minimumTime([...this.usage.values()], this.globalUsage);
  }

  reset(): void {
    this.buckets.clear();
    this.global.clear();
    this.usage.clear();
    this.globalUsage = null;
  }
}

export function rateLimitBody(retryAfterMs: number, global: boolean): Record<string, unknown> {
  return { message: 'You are being rate limited.', retry_after: Number((retryAfterMs / 1000).toFixed(3)), global };
}
