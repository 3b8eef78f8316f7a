/** The Discord simulator as a child process, as the scenarios use it, with a typed call to its control API. */
import { fileURLToPath } from 'node:url';
import { spawnNode, type NodeChild } from './child-processes.ts';

/** A bot token in Discord's shape (the hub's configuration check wants one); only valid against the simulator. */
export const BENCH_BOT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GbenCh.simulated-bot-token-for-benchmarks-0123';

const SIMULATOR_MAIN = fileURLToPath(new URL('../../packages/discord-sim/src/main.ts', import.meta.url));

export type SimulatorProcess = {
  url: string;
  apiBase: string;
  process: NodeChild;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
};

export async function startSimulatorProcess(options: { rateLimits: boolean }): Promise<SimulatorProcess> {
  const args = ['--port', '0', '--token', BENCH_BOT_TOKEN];
  if (!options.rateLimits) args.push('--no-rate-limits');
  const child = spawnNode(SIMULATOR_MAIN, args);
  const match = await child.waitForOutput(/listening on (http:\/\/\S+)/);
  const url = match[1] ?? '';
  return {
    url,
    apiBase: `${url}/api`,
    process: child,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/_sim${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} /_sim${path} → ${response.status} ${text.slice(0, 500)}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    stop: () => child.stop(),
  };
}
