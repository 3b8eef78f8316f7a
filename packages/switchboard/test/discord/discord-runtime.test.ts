import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayIntentBits, type GatewayDispatchPayload } from 'discord-api-types/v10';
import { DiscordRuntime, FatalStartError, type DiscordRuntimeOptions } from '../../src/discord/discord-runtime.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { HubModule } from '../../src/modules/hub-module.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type SimStats, type TestSimulator } from '../support/simulator.ts';

const core: HubModule = { name: 'core', description: 'essential', intents: [GatewayIntentBits.Guilds], essential: true };
const reader: HubModule = {
  name: 'reader',
  description: 'reads message content',
  intents: [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
};

function runtimeFor(sim: TestSimulator, overrides: Partial<DiscordRuntimeOptions<HubModule>> = {}) {
  const events: GatewayDispatchPayload[] = [];
  const runtime = new DiscordRuntime({
    token: SIM_BOT_TOKEN,
    apiUrl: sim.apiBase,
    modules: [core, reader],
    reconnect: { baseMs: 50, capMs: 200, maxConsecutiveFailures: 5 },
    health: { intervalMs: 60_000, maxLatencyMs: 5_000 },
    version: 'test',
    logger: createLogger({ level: 'silent' }),
    onDispatch: (_shard, payload) => events.push(payload),
    ...overrides,
  });
  return { runtime, events };
}

describe('Discord runtime against the simulator', () => {
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.close());

  it('connects, reports every status field, and receives dispatches', async () => {
    const { runtime, events } = runtimeFor(sim);
    try {
      await runtime.start();
      await eventually(() => runtime.status().ready, 'ready');
      await eventually(() => runtime.status().latencyMs !== null, 'a heartbeat was acknowledged');
      const status = runtime.status();
      assert.equal(status.running, true);
      assert.equal(status.connected, true);
      assert.equal(status.state, 'ready');
      assert.equal(status.guilds, 1);
      assert.equal(status.shards.length, 1);
      assert.equal(status.shards[0]!.state, 'ready');
      assert.equal(typeof status.shards[0]!.latencyMs, 'number');
      assert.equal(status.lastError, null);
      assert.match(status.startedAt ?? '', /^\d{4}-\d\d-\d\dT/);
      assert.equal(status.version, 'test');
      assert.deepEqual(status.modules, [
        { name: 'core', enabled: true, reason: null },
        { name: 'reader', enabled: true, reason: null },
      ]);
      await sim.control('POST', `/channels/${sim.demo.channels.general}/messages`, { authorId: sim.demo.members.ada!, content: 'hello hub' });
      await eventually(() => events.some((e) => e.t === 'MESSAGE_CREATE' && e.d.content === 'hello hub'), 'the message arrived');
    } finally {
      await runtime.close();
    }
  });

  it('resumes after a resumable close, and replays what was missed', async () => {
    const { runtime, events } = runtimeFor(sim);
    try {
      await runtime.start();
      await eventually(() => runtime.status().ready, 'ready');
      const before = await sim.control<SimStats>('GET', '/stats');
      await sim.control('POST', '/faults', { kind: 'close', code: 4000, holdMs: 300 });
      await eventually(() => runtime.status().state !== 'ready', 'the close was noticed');
      await sim.control('POST', `/channels/${sim.demo.channels.general}/messages`, { authorId: sim.demo.members.ada!, content: 'while away' });
      await eventually(() => runtime.status().ready, 'ready again');
      await eventually(() => events.some((e) => e.t === 'MESSAGE_CREATE' && e.d.content === 'while away'), 'the missed message was replayed');
      const afterStats = await sim.control<SimStats>('GET', '/stats');
      assert.equal(afterStats.gateway.resumes, before.gateway.resumes + 1);
      assert.equal(afterStats.gateway.identifies, before.gateway.identifies, 'a resume, not a new identify');
    } finally {
      await runtime.close();
    }
  });

  it('never retries after a fatal close code, and says what to do', async () => {
    const { runtime } = runtimeFor(sim);
    try {
      await runtime.start();
      await eventually(() => runtime.status().ready, 'ready');
      const before = await sim.control<SimStats>('GET', '/stats');
      await sim.control('POST', '/faults', { kind: 'close', code: 4004 });
      await eventually(() => runtime.status().state === 'failed', 'failed');
      await new Promise((r) => setTimeout(r, 400)); // several backoff periods
      const afterStats = await sim.control<SimStats>('GET', '/stats');
      assert.equal(afterStats.gateway.identifies + afterStats.gateway.resumes, before.gateway.identifies + before.gateway.resumes);
      assert.match(runtime.status().lastError ?? '', /DISCORD_TOKEN was rejected/);
      assert.equal(runtime.status().running, false);
    } finally {
      await runtime.close();
    }
  });

  it('a rejected token fails the start clearly', async () => {
    const { runtime } = runtimeFor(sim, { token: 'MTAwMDAw.wrong.token' });
    await assert.rejects(runtime.start(), (error: Error) => error instanceof FatalStartError && /DISCORD_TOKEN was rejected/.test(error.message));
    assert.equal(runtime.status().state, 'failed');
    await runtime.close();
  });

  it('the health monitor restarts a connection that stopped answering', async () => {
    const { runtime } = runtimeFor(sim, { health: { intervalMs: 60_000, maxLatencyMs: 5_000 } });
    try {
      await runtime.start();
      await eventually(() => runtime.status().ready && runtime.status().latencyMs !== null, 'ready with a heartbeat');
      const before = await sim.control<SimStats>('GET', '/stats');
      const later = Date.now() + 10 * 60_000; // as if no acknowledgement had come for ten minutes
      for (let i = 0; i < 3; i++) runtime.healthMonitor!.check(later);
      assert.equal(runtime.healthMonitor!.restarts, 1);
      await eventually(async () => {
        const stats = await sim.control<SimStats>('GET', '/stats');
        return stats.gateway.resumes + stats.gateway.identifies > before.gateway.resumes + before.gateway.identifies;
      }, 'the connection was opened again');
      await eventually(() => runtime.status().ready, 'ready again');
    } finally {
      await runtime.close();
    }
  });
});

describe('intent validation before connecting', () => {
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator({ application: { privilegedIntents: ['GuildMembers'] } });
  });
  after(() => sim.close());

  it('disables the module whose privileged intent is missing, with the reason; the rest runs', async () => {
    const { runtime } = runtimeFor(sim);
    try {
      await runtime.start();
      await eventually(() => runtime.status().ready, 'ready (4014 would have closed it)');
      const reader = runtime.status().modules.find((m) => m.name === 'reader');
      assert.equal(reader?.enabled, false);
      assert.match(reader?.reason ?? '', /Message Content intent: enable it for this application in the Developer Portal/);
      assert.deepEqual(runtime.enabledModules.map((m) => m.name), ['core']);
    } finally {
      await runtime.close();
    }
  });

  it('refuses to start when an essential module lacks its intent', async () => {
    const essentialReader: HubModule = { ...reader, essential: true };
    const { runtime } = runtimeFor(sim, { modules: [core, essentialReader] });
    await assert.rejects(runtime.start(), /the essential module reader needs the Message Content intent/);
    await runtime.close();
  });
});
