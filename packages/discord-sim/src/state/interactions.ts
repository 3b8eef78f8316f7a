/**
 * Interactions the simulator has created: their tokens, whether and how the bot answered, and the deadlines
 * Discord applies (the initial response within 3 s, the token usable for 15 minutes).
 */
import { randomBytes } from 'node:crypto';
import { INTERACTION_RESPONSE_DEADLINE_MS, INTERACTION_TOKEN_LIFETIME_MS } from 'discord-limits';
import { snowflake } from '../util/snowflake.ts';

export interface InteractionCallback {
  type: number;
  data: Record<string, unknown> | null;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  channelId: string;
  guildId: string | undefined;
  userId: string;
  createdAt: number;
  /** The message whose component was used, for component interactions. */
  componentMessageId?: string;
  /** Command name for messages' `interaction_metadata`. */
  commandName?: string;
  callback: InteractionCallback | null;
  /** The message `@original` refers to. */
  originalMessageId?: string;
  /** A deferred reply whose loading message the next edit or first follow-up fills in. */
  awaitingDeferredContent: boolean;
  /** Whether the deferred reply was ephemeral, which its follow-up inherits. */
  ephemeral: boolean;
  payload: Record<string, unknown>;
  waiters: Array<(callback: InteractionCallback) => void>;
}

export class InteractionRegistry {
  private readonly byId = new Map<string, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();

  create(input: Omit<InteractionRecord, 'id' | 'token' | 'createdAt' | 'callback' | 'awaitingDeferredContent' | 'ephemeral' | 'waiters' | 'payload'>): InteractionRecord {
    const record: InteractionRecord = {
      ...input,
      id: snowflake(),
      token: `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`,
      createdAt: Date.now(),
      callback: null,
      awaitingDeferredContent: false,
      ephemeral: false,
      payload: {},
      waiters: [],
    };
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);
    this.prune(record.createdAt);
    return record;
  }

  get(id: string): InteractionRecord | undefined {
    return this.byId.get(id);
  }

  /** The interaction whose token is still valid for webhooks, or undefined. */
  byValidToken(token: string, now = Date.now()): InteractionRecord | undefined {
    const record = this.byToken.get(token);
    if (!record || now - record.createdAt > INTERACTION_TOKEN_LIFETIME_MS) return undefined;
    return record;
  }

  deadlinePassed(record: InteractionRecord, now = Date.now()): boolean {
    return now - record.createdAt > INTERACTION_RESPONSE_DEADLINE_MS;
  }

  respond(record: InteractionRecord, callback: InteractionCallback): void {
    record.callback = callback;
    for (const waiter of record.waiters.splice(0)) waiter(callback);
  }

  /** Resolves with the bot's callback, or null if none came within `timeoutMs`. */
  waitForCallback(record: InteractionRecord, timeoutMs: number): Promise<InteractionCallback | null> {
    if (record.callback) return Promise.resolve(record.callback);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        record.waiters = record.waiters.filter((w) => w !== done);
        resolve(null);
      }, timeoutMs);
      const done = (callback: InteractionCallback) => {
        clearTimeout(timer);
        resolve(callback);
      };
      record.waiters.push(done);
    });
  }

  /** Forgets interactions whose tokens have expired. */
  private prune(now: number): void {
    for (const [id, record] of this.byId) {
      if (now - record.createdAt <= INTERACTION_TOKEN_LIFETIME_MS) break;
      this.byId.delete(id);
      this.byToken.delete(record.token);
    }
  }
}
