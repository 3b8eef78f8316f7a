import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiToken } from '../../src/auth/api-token.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { runMigrations } from '../../src/storage/migrator.ts';
import { tempFolder } from '../support/cli.ts';
import { testHub } from '../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';

describe('bot status, start and stop over HTTP, and /ready', () => {
  let sim: TestSimulator;
  let hub: Hub;
  let admin: string;

  before(async () => {
    sim = await startTestSimulator();
    const database = openDatabase(`sqlite:${tempFolder()}/hub.db`);
    await runMigrations(database);
    hub = await testHub(
      database,
      { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, GATEWAY_RECONNECT_BASE_MS: '20', GATEWAY_RECONNECT_CAP_MS: '100' },
      { discord: true },
    );
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    admin = material.token;
    await hub.start();
  });
  after(async () => {
    await hub.stop();
    await sim.close();
  });

  const get = (url: string) => hub.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } });
  const post = (url: string) => hub.http.inject({ method: 'POST', url, headers: { authorization: `Bearer ${admin}` } });
  const status = async () => (await get('/api/v1/status')).json().data;
  const ready = async () => {
    const response = await get('/ready');
    return { code: response.statusCode, body: response.json() };
  };

  it('GET /api/v1/status has every field once connected', async () => {
    await eventually(async () => (await status()).ready, 'ready');
    const data = await status();
    for (const field of ['running', 'connected', 'ready', 'state', 'uptimeSeconds', 'guilds', 'latencyMs', 'shards', 'lastError', 'startedAt', 'version', 'modules']) {
      assert.ok(field in data, `status lacks ${field}`);
    }
    assert.equal(data.state, 'ready');
    assert.equal(data.guilds, 1);
    assert.deepEqual(await ready(), { code: 200, body: { status: 'healthy', checks: { database: 'ok', gateway: 'ok' } } });
  });

  it('GET /metrics shows gateway, Discord REST and HTTP figures after traffic', async () => {
    await eventually(async () => (await status()).ready, 'ready');
    await eventually(async () => /switchboard_gateway_events_total\{type="GUILD_CREATE"\} [1-9]/.test((await get('/metrics')).body), 'GUILD_CREATE was counted');
    const text = (await get('/metrics')).body;
    assert.match(text, /switchboard_gateway_events_total\{type="READY"\} [1-9]/);
    assert.match(text, /switchboard_discord_rest_requests_total\{route="\/applications\/@me",method="GET",status="200"\} 1/);
    assert.match(text, /switchboard_http_requests_total\{route="\/api\/v1\/status",method="GET",status="200"\} [1-9]/);
    assert.match(text, /switchboard_gateway_state\{shard="0",state="ready"\} 1/);
    assert.match(text, /switchboard_messages_per_hour \d/);
    assert.match(text, /switchboard_active_users_daily \d/);
    assert.match(text, /process_resident_memory_bytes/);
  });

  it('/ready is degraded while the gateway reconnects', async () => {
    await eventually(async () => (await status()).ready, 'ready');
    await sim.control('POST', '/faults', { kind: 'close', code: 4000, holdMs: 1_500 });
    await eventually(async () => (await ready()).body.status === 'degraded', '/ready says degraded');
    const during = await ready();
    assert.equal(during.code, 200);
    assert.match(during.body.checks.gateway, /resuming|connecting|reconnecting|starting/);
    await eventually(async () => (await ready()).body.status === 'healthy', 'healthy again', 15_000);
  });

  it('stop makes /ready unhealthy (503); start brings it back', async () => {
    const stopped = await post('/api/v1/bot/stop');
    assert.equal(stopped.statusCode, 200);
    assert.equal(stopped.json().data.state, 'stopped');
    const notReady = await ready();
    assert.equal(notReady.code, 503);
    assert.equal(notReady.body.status, 'unhealthy');
    const started = await post('/api/v1/bot/start');
    assert.equal(started.statusCode, 202);
    const again = await post('/api/v1/bot/start');
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'already_running');
    await eventually(async () => (await ready()).body.status === 'healthy', 'healthy after start');
  });

  it('a fatal close leaves the bot failed, /ready 503, and the status says what to do', async () => {
    await eventually(async () => (await status()).ready, 'ready');
    await sim.control('POST', '/faults', { kind: 'close', code: 4014 });
    await eventually(async () => (await status()).state === 'failed', 'failed');
    const data = await status();
    assert.equal(data.running, false);
    assert.match(data.lastError, /Privileged Gateway Intents/);
    assert.equal((await ready()).code, 503);
  });
});
