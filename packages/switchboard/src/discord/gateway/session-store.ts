/**
 * Where a shard's resumable session lives between connections. In one process memory is enough; with
 * several instances a shared store (redis-session-store.ts) lets the instance that takes a shard over
 * resume it instead of identifying again.
 *
 * The stored sequence is the last one whose dispatch was fully handled, so that whoever resumes from it is
 * replayed everything that might not have been handled yet (replays are dropped by the deterministic event ids).
 */
export type GatewaySession = { sessionId: string; resumeUrl: string; sequence: number };

export interface SessionStore {
  get(shardId: number): Promise<GatewaySession | null>;
  /** Stores (or, with null, forgets) the session at once. */
  set(shardId: number, session: GatewaySession | null): Promise<void>;
  /** Records a newer handled sequence of the current session; a shared store may write it a little later (batched). */
  advance(shardId: number, session: GatewaySession): void;
  /** Writes whatever `advance` still holds back (before a shard is handed over, and on shutdown). */
  flush(): Promise<void>;
}

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<number, GatewaySession>();

  async get(shardId: number): Promise<GatewaySession | null> {
    return this.#sessions.get(shardId) ?? null;
  }

  async set(shardId: number, session: GatewaySession | null): Promise<void> {
    if (session) this.#sessions.set(shardId, { ...session });
    else this.#sessions.delete(shardId);
  }

  advance(shardId: number, session: GatewaySession): void {
    this.#sessions.set(shardId, { ...session });
  }

  async flush(): Promise<void> {}
}
