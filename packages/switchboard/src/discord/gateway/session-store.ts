/**
 * Where a shard's resumable session lives between connections. In one process memory is enough; with
 * several instances a shared store lets a replacement instance resume instead of identifying again.
 */
export type GatewaySession = { sessionId: string; resumeUrl: string; sequence: number };

export interface SessionStore {
  get(shardId: number): Promise<GatewaySession | null>;
  set(shardId: number, session: GatewaySession | null): Promise<void>;
}

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<number, GatewaySession>();

  async get(shardId: number): Promise<GatewaySession | null> {
    return this.#sessions.get(shardId) ?? null;
  }

  async set(shardId: number, session: GatewaySession | null): Promise<void> {
    if (session) this.#sessions.set(shardId, session);
    else this.#sessions.delete(shardId);
  }
}
