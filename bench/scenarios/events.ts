/**
 * Event routing: an app registered with the hub subscribes to a channel; the simulator pushes
 * MESSAGE_CREATE into it; a local receiver verifies every signature. Measures delivered events/s for a
 * burst, and latency percentiles (message creation in the simulator → arrival) at a steady rate.
 * Baselines in the same run, each connected alone: a bare @discordjs/core client that only counts (the
 * ceiling) and a discord.js client that POSTs each event with fetch (the naive forwarder).
 */
import { fileURLToPath } from 'node:url';
import { SwitchboardClient } from '@switchboard/sdk';
import { spawnNode } from '../lib/child-processes.ts';
import { startHubProcess } from '../lib/hub-process.ts';
import { summarize, type LatencySummary } from '../lib/percentiles.ts';
import { startEventReceiver, type EventReceiver } from '../lib/receiver.ts';
import { measure, type Measurement } from '../lib/results.ts';
import type { Scenario } from '../lib/scenario.ts';
import { BENCH_BOT_TOKEN, startSimulatorProcess, type SimulatorProcess } from '../lib/simulator.ts';
import { sleep } from '../lib/timing.ts';

const CORE_COUNTER = fileURLToPath(new URL('../workers/core-counter.ts', import.meta.url));
const DISCORDJS_CLIENT = fileURLToPath(new URL('../workers/discordjs-client.ts', import.meta.url));

type Sizes = { burst: number; warmup: number; steadyRate: number; steadySeconds: number };
type Load = { channelId: string; authorId: string };

const push = (sim: SimulatorProcess, load: Load, count: number, ratePerSecond?: number) =>
  sim.control<{ sent: number; elapsedMs: number }>('POST', '/load/messages', { ...load, count, ...(ratePerSecond ? { ratePerSecond } : {}) });

/** A burst through a receiver-backed subject: events/s from the start of the push to the last arrival. */
async function burstThrough(sim: SimulatorProcess, load: Load, receiver: EventReceiver, count: number): Promise<{ perSecond: number; delivered: number }> {
  receiver.reset();
  const started = performance.now();
  await push(sim, load, count);
  const outcome = await receiver.waitFor(count, { stallMs: 10_000, maxMs: 180_000 });
  const end = outcome.reached ? outcome.lastArrivalAt : performance.now();
  return { perSecond: (receiver.count / (end - started)) * 1000, delivered: receiver.count };
}

/** A steady rate through a receiver-backed subject: latency percentiles of what arrived. */
async function steadyThrough(sim: SimulatorProcess, load: Load, receiver: EventReceiver, sizes: Sizes): Promise<{ summary: LatencySummary; delivered: number; sent: number }> {
  receiver.reset();
  const sent = sizes.steadyRate * sizes.steadySeconds;
  await push(sim, load, sent, sizes.steadyRate);
  await receiver.waitFor(sent, { stallMs: 5_000, maxMs: 60_000 });
  return { summary: summarize(receiver.latencies), delivered: receiver.count, sent };
}

async function measureCeiling(sim: SimulatorProcess, load: Load, sizes: Sizes): Promise<number> {
  const counter = spawnNode(CORE_COUNTER, [], { env: { DISCORD_API_URL: sim.apiBase, DISCORD_TOKEN: BENCH_BOT_TOKEN } });
  try {
    await counter.waitForOutput(/BENCH_CLIENT_READY/);
    const burst = async (count: number) => {
      await counter.ask({ type: 'expect', count }, 'armed');
      const received = counter.next('received', 180_000);
      const started = performance.now();
      await push(sim, load, count);
      await received;
      return (count / (performance.now() - started)) * 1000;
    };
    await burst(sizes.warmup);
    return await burst(sizes.burst);
  } finally {
    await counter.stop();
  }
}

async function measureForwarder(sim: SimulatorProcess, load: Load, sizes: Sizes): Promise<{ perSecond: number; steady: LatencySummary }> {
  const receiver = await startEventReceiver();
  const forwarder = spawnNode(DISCORDJS_CLIENT, [], { env: { DISCORD_API_URL: sim.apiBase, DISCORD_TOKEN: BENCH_BOT_TOKEN, FORWARD_TO: receiver.url } });
  try {
    await forwarder.waitForOutput(/BENCH_CLIENT_READY/);
    await burstThrough(sim, load, receiver, sizes.warmup);
    const burst = await burstThrough(sim, load, receiver, sizes.burst);
    await sleep(500);
    const steady = await steadyThrough(sim, load, receiver, sizes);
    return { perSecond: burst.perSecond, steady: steady.summary };
  } finally {
    await forwarder.stop();
    await receiver.close();
  }
}

async function measureHub(sim: SimulatorProcess, load: Load & { guildId: string }, sizes: Sizes, note: (m: string) => void) {
  const hub = await startHubProcess(sim.apiBase);
  let receiver: EventReceiver | undefined;
  try {
    receiver = await startEventReceiver();
    const registration = await SwitchboardClient.register(hub.url, hub.adminToken, {
      id: 'bench-events',
      name: 'Event routing benchmark',
      callbackUrl: receiver.url,
      events: ['message.create'],
      guilds: [load.guildId],
      subscribedChannels: [load.channelId],
    });
    receiver.verifyWith(registration.signingSecret);
    await registration.client.heartbeat();
    await burstThrough(sim, load, receiver, sizes.warmup);
    const burst = await burstThrough(sim, load, receiver, sizes.burst);
    if (burst.delivered < sizes.burst) note(`hub burst: only ${burst.delivered} of ${sizes.burst} delivered before the receiver stalled`);
    const burstRejected = receiver.rejected;
    await sleep(500);
    const steady = await steadyThrough(sim, load, receiver, sizes);
    if (steady.delivered < steady.sent) note(`hub steady: ${steady.delivered} of ${steady.sent} delivered`);
    return { perSecond: burst.perSecond, steady: steady.summary, rejected: burstRejected + receiver.rejected };
  } finally {
    await receiver?.close();
    await hub.stop();
  }
}

export const eventsScenario: Scenario = {
  name: 'events',
  description: 'MESSAGE_CREATE from the simulator to an app through the hub, signatures verified; baselines: @discordjs/core counter, discord.js fetch forwarder',
  async run({ quick, log, note }) {
    const sizes: Sizes = quick ? { burst: 2_000, warmup: 300, steadyRate: 1_000, steadySeconds: 2 } : { burst: 20_000, warmup: 2_000, steadyRate: 1_000, steadySeconds: 10 };
    note(`burst of ${sizes.burst} messages after ${sizes.warmup} warm-up; steady ${sizes.steadyRate}/s for ${sizes.steadySeconds} s`);
    const sim = await startSimulatorProcess({ rateLimits: false });
    try {
      const ids = await sim.control<{ guildId: string; channels: Record<string, string>; members: Record<string, string> }>('POST', '/guilds', {
        name: 'Bench events',
        channels: [{ name: 'load' }],
        members: [{ username: 'loadgen' }],
      });
      const load = { guildId: ids.guildId, channelId: ids.channels.load ?? '', authorId: ids.members.loadgen ?? '' };
      const ceiling = await measureCeiling(sim, load, sizes);
      log(`ceiling (@discordjs/core counter): ${Math.round(ceiling)} events/s`);
      const forwarder = await measureForwarder(sim, load, sizes);
      log(`naive forwarder (discord.js + fetch): ${Math.round(forwarder.perSecond)} events/s, steady p99 ${forwarder.steady.p99} ms`);
      const hub = await measureHub(sim, load, sizes, note);
      log(`hub: ${Math.round(hub.perSecond)} events/s, steady p50 ${hub.steady.p50} p95 ${hub.steady.p95} p99 ${hub.steady.p99} ms`);
      const measurements: Measurement[] = [
        measure({ metric: 'hub delivered events/s', unit: 'ev/s', value: hub.perSecond, baseline: { name: 'naive forwarder', value: forwarder.perSecond }, target: { kind: 'at-least', limit: 5_000 } }),
        measure({ metric: 'hub events/s vs ceiling', unit: 'ev/s', value: hub.perSecond, baseline: { name: '@discordjs/core counter', value: ceiling }, target: { kind: 'at-least', limit: 0.4, of: 'ratio' } }),
        measure({ metric: 'signatures rejected', unit: 'events', value: hub.rejected, target: { kind: 'at-most', limit: 0 } }),
        measure({ metric: `latency p50 @ ${sizes.steadyRate}/s`, unit: 'ms', value: hub.steady.p50, baseline: { name: 'naive forwarder', value: forwarder.steady.p50 } }),
        measure({ metric: `latency p95 @ ${sizes.steadyRate}/s`, unit: 'ms', value: hub.steady.p95, baseline: { name: 'naive forwarder', value: forwarder.steady.p95 } }),
        measure({ metric: `latency p99 @ ${sizes.steadyRate}/s`, unit: 'ms', value: hub.steady.p99, baseline: { name: 'naive forwarder', value: forwarder.steady.p99 }, target: { kind: 'at-most', limit: 25 } }),
      ];
      return measurements;
    } finally {
      await sim.stop();
    }
  },
};
