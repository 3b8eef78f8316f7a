/**
 * Starts `bench/workers/hub-process.ts` against a simulator, with the Node flags `switchboard` starts with,
 * and waits for its ready line (URL and admin token).
 */
import { fileURLToPath } from 'node:url';
import { spawnNode, type NodeChild } from './child-processes.ts';
import { BENCH_BOT_TOKEN } from './simulator.ts';
import { switchboardNodeFlags } from './start-flags.ts';

const LAUNCH = fileURLToPath(new URL('../workers/launch.js', import.meta.url));
const HUB_WORKER = fileURLToPath(new URL('../workers/hub-process.ts', import.meta.url));

export type HubProcess = { url: string; adminToken: string; process: NodeChild; stop(): Promise<void> };

export async function startHubProcess(apiBase: string, options: { env?: Record<string, string>; nodeArgs?: string[]; readyTimeoutMs?: number } = {}): Promise<HubProcess> {
  const child = spawnNode(LAUNCH, [HUB_WORKER], { env: { DISCORD_TOKEN: BENCH_BOT_TOKEN, DISCORD_API_URL: apiBase, ...options.env }, nodeArgs: [...switchboardNodeFlags(), ...(options.nodeArgs ?? [])] });
  const match = await child.waitForOutput(/BENCH_HUB_READY (\{.*\})/, options.readyTimeoutMs ?? 60_000);
  const ready = JSON.parse(match[1] ?? '{}') as { url: string; adminToken: string };
  return { url: ready.url, adminToken: ready.adminToken, process: child, stop: () => child.stop() };
}
