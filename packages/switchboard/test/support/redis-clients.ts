/**
 * Two Redis connections for a test that plays two instances sharing one Redis, and their cleanup: the keys
 * under the test's own prefix are deleted and both connections closed.
 */
import { Redis } from 'ioredis';

export type RedisPair = { first: Redis; second: Redis; close(): Promise<void> };

export function connectRedisPair(url: string, keyPrefix?: string): RedisPair {
  const first = new Redis(url, { maxRetriesPerRequest: 1 });
  const second = new Redis(url, { maxRetriesPerRequest: 1 });
  return {
    first,
    second,
    async close() {
      if (keyPrefix) {
        const keys = await first.keys(`${keyPrefix}*`);
        if (keys.length > 0) await first.del(...keys);
      }
      await Promise.all([first.quit(), second.quit()]);
    },
  };
}
