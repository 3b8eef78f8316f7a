/**
 * Gateway sessions in Redis, so that the instance that takes a shard over (its owner stopped or died)
 * RESUMEs the session instead of identifying again, and is replayed what the previous owner did not handle.
 * A new or forgotten session is written at once; the handled sequence, which moves with every dispatch,
 * is written at most `debounceMs` later (and at `flush()`), so that a busy shard costs one write per interval.
 * Writes go out in order, one after another, so that an older value can never overwrite a newer one.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewaySession, SessionStore } from './session-store.ts';

export type RedisSessionStoreOptions = {
  /** Prepended to the keys (`<prefix>shard:<id>:session`). */
  prefix: string;
  /** How long a handled sequence may wait before it is written. */
  debounceMs?: number;
  /** A stored session is forgotten this long after its last write (Discord no longer resumes it by then). */
  ttlMs?: number;
  logger?: Logger;
};

export const SESSION_DEBOUNCE_MS = 500;
export const SESSION_TTL_MS = 15 * 60_000;

/** Reads a stored session; anything that is not one counts as none. */
export function parseStoredSession(text: string | null): GatewaySession | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<GatewaySession>;
    if (typeof value.sessionId !== 'string' || typeof value.resumeUrl !== 'string' || !Number.isSafeInteger(value.sequence)) return null;
    return { sessionId: value.sessionId, resumeUrl: value.resumeUrl, sequence: value.sequence! };
  } catch {
    return null;
  }
}

export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #debounceMs: number;
  readonly #ttlMs: number;
  readonly #logger: Logger | undefined;
  readonly #pending = new Map<number, GatewaySession>();
  #timer: NodeJS.Timeout | undefined;
  #writes: Promise<void> = Promise.resolve();

  constructor(redis: Redis, options: RedisSessionStoreOptions) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#debounceMs = options.debounceMs ?? SESSION_DEBOUNCE_MS;
    this.#ttlMs = options.ttlMs ?? SESSION_TTL_MS;
    this.#logger = options.logger;
  }

  key(shardId: number): string {
    return `${this.#prefix}shard:${shardId}:session`;
  }

  async get(shardId: number): Promise<GatewaySession | null> {
    await this.#writes;
    return parseStoredSession(await this.#redis.get(this.key(shardId)));
  }

  async set(shardId: number, session: GatewaySession | null): Promise<void> {
    this.#pending.delete(shardId);
    await this.#enqueue(async () => {
      if (session) await this.#redis.set(this.key(shardId), JSON.stringify(session), 'PX', this.#ttlMs);
      else await this.#redis.del(this.key(shardId));
    });
  }

  advance(shardId: number, session: GatewaySession): void {
    this.#pending.set(shardId, { ...session });
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((error: unknown) => this.#logger?.warn({ err: error }, 'could not store the gateway sequence; a takeover replays a little more'));
    }, this.#debounceMs);
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return this.#writes;
    const batch = [...this.#pending];
    this.#pending.clear();
    await this.#enqueue(async () => {
      const pipeline = this.#redis.multi();
      for (const [shardId, session] of batch) pipeline.set(this.key(shardId), JSON.stringify(session), 'PX', this.#ttlMs);
      await pipeline.exec();
    });
  }

  /** Runs writes one after another; a failed write does not stop the ones after it. */
  #enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(write);
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
