import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayIntentBits, type GatewayDispatchPayload } from 'discord-api-types/v10';
import { GatewaySupervisor } from '../../src/discord/gateway/gateway-supervisor.ts';
import { IdentifyGate } from '../../src/discord/gateway/identify-gate.ts';
import { MemorySessionStore, type SessionStore } from '../../src/discord/gateway/session-store.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type SimStats, type TestSimulator } from '../support/simulator.ts';

type Received = { shard: number; payload: GatewayDispatchPayload; sessionId: string | undefined };

function supervisorOn(sim: TestSimulator, sessions: SessionStore, options: { shardIds: number[]; onDispatch?: (r: Received) => unknown } = { shardIds: [] }) {
  const received: Received[] = [];
  const supervisor = new GatewaySupervisor({
    token: SIM_BOT_TOKEN,
    intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
    gatewayUrl: sim.gatewayUrl,
    shardIds: options.shardIds,
    shardCount: 2,
    policy: { baseMs: 20, capMs: 100, maxConsecutiveFailures: 5 },
    sessions,
    identifyGate: new IdentifyGate(1, 0),
    logger: createLogger({ level: 'silent' }),
    onDispatch: (shard, payload, sessionId) => {
      const entry = { shard, payload, sessionId };
      received.push(entry);
      return options.onDispatch?.(entry);
    },
  });
  return { supervisor, received };
}

const contents = (received: Received[]) => received.flatMap((r) => (r.payload.t === 'MESSAGE_CREATE' ? [r.payload.d.content] : []));

describe('handing a shard over between two supervisors (another instance)', () => {
  let sim: TestSimulator;
  let shard: number;
  before(async () => {
    sim = await startTestSimulator();
    shard = Number((BigInt(sim.demo.guildId) >> 22n) % 2n);
  });
  after(() => sim.close());

  const post = (content: string) => sim.control('POST', `/channels/${sim.demo.channels.general}/messages`, { authorId: sim.demo.members.ada!, content });
  const state = (supervisor: GatewaySupervisor, id: number) => supervisor.shardStates().find((s) => s.id === id)?.connection.status;

  it('refuses a shard id outside the shard count', () => {
    const { supervisor } = supervisorOn(sim, new MemorySessionStore());
    assert.throws(() => supervisor.addShard(2), /shard 2 does not exist: shard ids run from 0 to 1/);
  });

  it('the next owner RESUMEs the stored session and is replayed what was sent in between, with the same session id', async () => {
    const sessions = new MemorySessionStore();
    const first = supervisorOn(sim, sessions, { shardIds: [shard] });
    const second = supervisorOn(sim, sessions);
    const before = await sim.control<SimStats>('GET', '/stats');
    first.supervisor.start();
    second.supervisor.start();
    try {
      await eventually(() => state(first.supervisor, shard) === 'ready', 'the first owner is ready');
      await post('before the hand-over');
      await eventually(() => contents(first.received).includes('before the hand-over'), 'the first owner got the message');

      assert.equal(await first.supervisor.removeShard(shard, { mode: 'handOver' }), true);
      assert.deepEqual(first.supervisor.shardIds(), []);
      await post('while nobody owns the shard');
      const stored = await sessions.get(shard);
      assert.ok(stored, 'the session was stored at the hand-over');

      assert.equal(second.supervisor.addShard(shard, { resume: true }), true);
      assert.equal(second.supervisor.addShard(shard, { resume: true }), false, 'a shard is added once');
      await eventually(() => state(second.supervisor, shard) === 'ready', 'the next owner is ready');
      await eventually(() => contents(second.received).includes('while nobody owns the shard'), 'the next owner was replayed the message');
      await post('after the hand-over');
      await eventually(() => contents(second.received).includes('after the hand-over'), 'the next owner receives new messages');

      const after = await sim.control<SimStats>('GET', '/stats');
      assert.equal(after.gateway.resumes - before.gateway.resumes, 1, 'one RESUME');
      assert.equal(after.gateway.identifies - before.gateway.identifies, 1, 'only the first owner identified');
      assert.ok(second.received.some((r) => r.payload.t === 'RESUMED'));
      assert.ok(!second.received.some((r) => r.payload.t === 'READY'));
      assert.equal(second.received.find((r) => r.payload.t === 'MESSAGE_CREATE')?.sessionId, stored.sessionId);
      assert.ok(!contents(first.received).includes('after the hand-over'), 'the first owner no longer receives');
    } finally {
      first.supervisor.stop();
      second.supervisor.stop();
    }
  });

  it('stores as handled only the sequences whose handling finished, so that the next owner is replayed the rest', async () => {
    const sessions = new MemorySessionStore();
    const pending: Array<() => void> = [];
    const first = supervisorOn(sim, sessions, {
      shardIds: [shard],
      onDispatch: (r) => (r.payload.t === 'MESSAGE_CREATE' && r.payload.d.content === 'slow' ? new Promise<void>((resolve) => pending.push(resolve)) : undefined),
    });
    first.supervisor.start();
    try {
      await eventually(() => state(first.supervisor, shard) === 'ready', 'ready');
      await post('slow');
      await post('quick');
      await eventually(() => contents(first.received).includes('quick'), 'both messages arrived');
      const slow = first.received.find((r) => r.payload.t === 'MESSAGE_CREATE' && r.payload.d.content === 'slow')!;
      await eventually(async () => (await sessions.get(shard))?.sequence === slow.payload.s - 1, 'the stored sequence stops before the unfinished dispatch');
      pending.shift()!();
      const quick = first.received.find((r) => r.payload.t === 'MESSAGE_CREATE' && r.payload.d.content === 'quick')!;
      await eventually(async () => (await sessions.get(shard))?.sequence === quick.payload.s, 'once handled, the stored sequence moves on');
    } finally {
      first.supervisor.stop();
    }
  });

  it('a plain removal ends the session: it is forgotten and the next owner identifies', async () => {
    const sessions = new MemorySessionStore();
    const first = supervisorOn(sim, sessions, { shardIds: [shard] });
    first.supervisor.start();
    await eventually(() => state(first.supervisor, shard) === 'ready', 'ready');
    assert.equal(await first.supervisor.removeShard(shard), true);
    await eventually(async () => (await sessions.get(shard)) === null, 'the session is forgotten');
    assert.equal(await first.supervisor.removeShard(shard), false, 'removing twice does nothing');
  });
});
