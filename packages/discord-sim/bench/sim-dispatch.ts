/**
 * Benchmark: MESSAGE_CREATE dispatches per second from the simulator to one @discordjs/core client.
 *
 * The simulator runs in its own process (as it does for the hub's tests) with rate limits off; this process
 * runs the client and counts MESSAGE_CREATE events until all have arrived. Prints one JSON object.
 *
 *   node packages/discord-sim/bench/sim-dispatch.ts [--count 200000] [--warmup 20000]
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, GatewayDispatchEvents, GatewayIntentBits } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { WebSocketManager } from '@discordjs/ws';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200000' }, warmup: { type: 'string', default: '20000' } } });
const count = Number(values.count);
const warmup = Number(values.warmup);

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const child = spawn(process.execPath, [main, '--port', '0', '--no-rate-limits'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /listening on (http:\/\/\S+)/.exec(output);
    if (match?.[1]) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
});

async function control<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${url}/_sim${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const ids = await control<{ channels: Record<string, string>; members: Record<string, string> }>('/guilds', {
  name: 'Bench',
  channels: [{ name: 'load' }],
  members: [{ username: 'loadgen' }],
});
const channelId = ids.channels.load ?? '';
const authorId = ids.members.loadgen ?? '';

const token = 'sim-bot-token';
const rest = new REST({ version: '10', api: `${url}/api` }).setToken(token);
const gateway = new WebSocketManager({ token, rest, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent });
const client = new Client({ rest, gateway });
let received = 0;
let target = Infinity;
let done: () => void = () => undefined;
client.on(GatewayDispatchEvents.MessageCreate, () => {
  received++;
  if (received === target) done();
});
const ready = new Promise<void>((resolve) => client.once(GatewayDispatchEvents.GuildCreate, () => resolve()));
await gateway.connect();
await ready;

async function run(n: number): Promise<{ elapsedMs: number; server: { perSecond: number } }> {
  received = 0;
  target = n;
  const allReceived = new Promise<void>((resolve) => {
    done = resolve;
  });
  const started = performance.now();
  const server = await control<{ perSecond: number }>('/load/messages', { channelId, authorId, count: n });
  await allReceived;
  return { elapsedMs: performance.now() - started, server };
}

await run(warmup);
const result = await run(count);
const perSecond = Math.round((count / result.elapsedMs) * 1000);
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'sim-dispatch',
      measures: 'MESSAGE_CREATE dispatches per second, simulator process to one @discordjs/core client, all received',
      messages: count,
      elapsedMs: Math.round(result.elapsedMs),
      dispatchesPerSecond: perSecond,
      simulatorSendRatePerSecond: result.server.perSecond,
      target: 40_000,
      meetsTarget: perSecond >= 40_000,
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
    },
    null,
    2,
  )}\n`,
);
await gateway.destroy();
child.kill('SIGTERM');
