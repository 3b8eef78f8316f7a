/**
 * What the cluster suite needs from outside: PostgreSQL and Redis, named by TEST_POSTGRES_URL and TEST_REDIS_URL.
 * Without them the suite is skipped with the reason, except under CI, where it fails instead (it must never
 * pass by testing nothing). Also a PostgreSQL schema of its own and a Redis key prefix of its own, so that
 * it can run next to other suites, and the environment every hub instance of the cluster shares.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { postgresAvailability, redisAvailability, runningInCi } from '../support/services.ts';

export type ClusterServices = { available: true; postgresUrl: string; redisUrl: string } | { available: false; reason: string };

export async function clusterServices(): Promise<ClusterServices> {
  const missing = ['TEST_POSTGRES_URL', 'TEST_REDIS_URL'].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    const reason = `the cluster suite needs ${missing.join(' and ')} (a PostgreSQL and a Redis the hub instances share)`;
    if (runningInCi) throw new Error(`CI is set and ${reason}: it cannot be skipped under CI`);
    return { available: false, reason };
  }
  const [postgres, redis] = await Promise.all([postgresAvailability(), redisAvailability()]);
  if (!postgres.available) return { available: false, reason: postgres.reason };
  if (!redis.available) return { available: false, reason: redis.reason };
  return { available: true, postgresUrl: postgres.url, redisUrl: redis.url };
}

/** A fresh schema; `url` selects it through the connection's search_path, as DATABASE_URL for the hubs. */
export async function createSchema(postgresUrl: string): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `cluster_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`create schema ${schema}`);
  const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return { schema, url, drop: () => run(`drop schema if exists ${schema} cascade`) };
}

/** Deletes every key under the prefix. */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

export function uniqueKeyPrefix(): string {
  return `test-cluster-${randomBytes(4).toString('hex')}:`;
}
