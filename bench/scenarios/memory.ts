/**
 * Memory: RSS after READY with many guilds (created through the simulator's control API), the hub as a
 * child process started as `switchboard` starts (its Node flags; Node's compile cache filled by a first
 * start), measured with `process.memoryUsage().rss` after a full GC once every guild has arrived.
 * Baseline: a default discord.js client (its default caches) in the same run against the same guilds.
 */
import { fileURLToPath } from 'node:url';
import { spawnNode, type NodeChild } from '../lib/child-processes.ts';
import { startHubProcess } from '../lib/hub-process.ts';
import type { MemoryReport as RssAnswer } from '../lib/memory-report.ts';
import { measure, type Measurement } from '../lib/results.ts';
import type { Scenario } from '../lib/scenario.ts';
import { BENCH_BOT_TOKEN, startSimulatorProcess, type SimulatorProcess } from '../lib/simulator.ts';
import { sleep } from '../lib/timing.ts';

const DISCORDJS_CLIENT = fileURLToPath(new URL('../workers/discordjs-client.ts', import.meta.url));
const MB = 1024 * 1024;


async function createGuilds(sim: SimulatorProcess, sizes: { guilds: number; channels: number; members: number }): Promise<void> {
  const concurrency = 8;
  let next = 0;
  const worker = async () => {
    while (next < sizes.guilds) {
      const index = next++;
      await sim.control('POST', '/guilds', {
        name: `Guild ${index}`,
        channels: Array.from({ length: sizes.channels }, (_, c) => ({ name: `channel-${c}` })),
        members: Array.from({ length: sizes.members }, (_, m) => ({ username: `g${index}-member${m}` })),
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Asks until the process has seen every guild (READY comes before the guilds stream in), then settles. */
async function settledRss(child: NodeChild, guilds: number): Promise<RssAnswer> {
  const deadline = Date.now() + 120_000;
  let answer = await child.ask<RssAnswer>({ type: 'rss' }, 'rss');
  while (answer.guilds < guilds) {
    if (Date.now() > deadline) throw new Error(`only ${answer.guilds} of ${guilds} guilds arrived within 120 s`);
    await sleep(200);
    answer = await child.ask<RssAnswer>({ type: 'rss' }, 'rss');
  }
  // Lets start-up work (command registration, caches filling) finish before the figure is taken.
  await sleep(2_000);
  return child.ask<RssAnswer>({ type: 'rss' }, 'rss');
}

export const memoryScenario: Scenario = {
  name: 'memory',
  description: 'RSS after READY and a GC with many guilds × channels × members; baseline: default discord.js client',
  async run({ quick, log, note }) {
    const sizes = quick ? { guilds: 100, channels: 10, members: 50 } : { guilds: 1_000, channels: 10, members: 50 };
    note(`${sizes.guilds} guilds × ${sizes.channels} channels × ${sizes.members} members`);
    const sim = await startSimulatorProcess({ rateLimits: false });
    try {
      const started = performance.now();
      await createGuilds(sim, sizes);
      log(`created ${sizes.guilds} guilds in ${Math.round(performance.now() - started)} ms`);

      // A first start fills Node's compile cache, as any start after an upgrade does (the Docker image is built
      // with it filled): the measured start then runs as every later one, without Node's TypeScript stripper.
      await (await startHubProcess(sim.apiBase, { nodeArgs: ['--expose-gc'], readyTimeoutMs: 120_000 })).stop();
      const hub = await startHubProcess(sim.apiBase, { nodeArgs: ['--expose-gc'], readyTimeoutMs: 120_000 });
      let hubRss: RssAnswer;
      try {
        hubRss = await settledRss(hub.process, sizes.guilds);
      } finally {
        await hub.stop();
      }
      log(`hub: ${(hubRss.rss / MB).toFixed(1)} MB with ${hubRss.guilds} guilds`);

      const client = spawnNode(DISCORDJS_CLIENT, [], { env: { DISCORD_API_URL: sim.apiBase, DISCORD_TOKEN: BENCH_BOT_TOKEN }, nodeArgs: ['--expose-gc'] });
      let clientRss: RssAnswer;
      try {
        await client.waitForOutput(/BENCH_CLIENT_READY/, 120_000);
        clientRss = await settledRss(client, sizes.guilds);
      } finally {
        await client.stop();
      }
      log(`discord.js: ${(clientRss.rss / MB).toFixed(1)} MB with ${clientRss.guilds} guilds`);
      if (!hubRss.gcRan || !clientRss.gcRan) note('a process could not run a GC before measuring (no --expose-gc)');
      // What the RSS is made of, for both (info): the binary's pages, V8's heap in use, memory outside it.
      const parts = (name: string, field: 'rssFile' | 'heapUsed' | 'external'): Measurement[] => {
        const value = hubRss[field];
        const base = clientRss[field];
        return value === null ? [] : [measure({ metric: `hub ${name}`, unit: 'MB', value: value / MB, ...(base !== null ? { baseline: { name: 'discord.js default client', value: base / MB } } : {}) })];
      };
      return [
        measure({ metric: 'hub RSS after READY + GC', unit: 'MB', value: hubRss.rss / MB, baseline: { name: 'discord.js default client', value: clientRss.rss / MB }, target: { kind: 'at-most', limit: 120 } }),
        ...parts('file-backed RSS (node binary)', 'rssFile'),
        ...parts('V8 heap in use', 'heapUsed'),
        ...parts('V8 external memory', 'external'),
      ];
    } finally {
      await sim.stop();
    }
  },
};
