/**
 * Telling every instance that a guild's configuration changed, so that their caches drop it at once. One
 * process needs nothing (its own cache is dropped directly); several instances publish on a Redis channel
 * that each of them subscribes to.
 */
import type { Redis } from 'ioredis';

export interface ConfigInvalidation {
  /** Tells the other instances; the caller drops its own cache entry itself. */
  publish(guildId: string): Promise<void>;
  /** `handler` runs for each guild another instance changed. */
  subscribe(handler: (guildId: string) => void): Promise<void>;
  close(): Promise<void>;
}

export const LOCAL_CONFIG_INVALIDATION: ConfigInvalidation = {
  publish: async () => {},
  subscribe: async () => {},
  close: async () => {},
};

/** The channel's name after the instances' Redis key prefix (`REDIS_KEY_PREFIX`, `switchboard:` by default). */
export const CONFIG_INVALIDATION_CHANNEL = 'guild-config:changed';

/**
 * Redis pub/sub. `publisher` is a normal connection; `subscriber` is given over to subscribing (Redis requires
 * a connection of its own). SUBSCRIBE is sent only once the subscriber is ready: queued before, it would
 * precede ioredis's ready check, which Redis refuses in subscriber mode, and nothing would ever be received.
 */
export function redisConfigInvalidation(
  publisher: Redis,
  subscriber: Redis,
  options: { instanceId: string; keyPrefix?: string; quitOnClose?: boolean },
): ConfigInvalidation {
  const channelName = `${options.keyPrefix ?? 'switchboard:'}${CONFIG_INVALIDATION_CHANNEL}`;
  return {
    async publish(guildId) {
      await publisher.publish(channelName, JSON.stringify({ guildId, from: options.instanceId }));
    },
    async subscribe(handler) {
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== channelName) return;
        try {
          const parsed = JSON.parse(message) as { guildId?: unknown; from?: unknown };
          if (typeof parsed.guildId === 'string' && parsed.from !== options.instanceId) handler(parsed.guildId);
        } catch {
          // Not ours: ignore.
        }
      });
      if (subscriber.status !== 'ready') {
        // Not `once(…, 'ready')`: that gives up at the first connection error, while ioredis keeps retrying.
        await new Promise<void>((resolve) => subscriber.once('ready', () => resolve()));
      }
      await subscriber.subscribe(channelName);
    },
    async close() {
      subscriber.removeAllListeners('message');
      if (options.quitOnClose) await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
