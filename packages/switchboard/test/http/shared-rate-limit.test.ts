import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiToken } from '../../src/auth/api-token.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { runMigrations } from '../../src/storage/migrator.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { tempFolder } from '../support/cli.ts';
import { testHub } from '../support/hub.ts';
import { redisAvailability } from '../support/services.ts';

const redis = await redisAvailability();

describe('request budgets shared through Redis [redis]', { skip: redis.available ? false : redis.reason }, () => {
  it('two hubs on one Redis grant one token its budget once, not twice', async () => {
    const database = openDatabase(`sqlite:${tempFolder()}/hub.db`);
    await runMigrations(database);
    const material = generateApiToken();
    await new ApiTokenRepository(database.db).create({ id: material.id, name: 'shared', role: 'viewer', tokenHash: material.hash, now: Date.now() });
    const env = { REDIS_URL: redis.url, API_RATE_LIMIT_PER_MINUTE: '3' };
    const first = await testHub(database, env);
    const second = await testHub(database, env);
    try {
      const get = (hub: typeof first) =>
        hub.http.inject({ method: 'GET', url: '/api/v1/jobs', headers: { authorization: `Bearer ${material.token}` } }).then((r) => r.statusCode);
      const statuses = [await get(first), await get(second), await get(first), await get(second)];
      assert.deepEqual(statuses, [200, 200, 200, 429]);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
