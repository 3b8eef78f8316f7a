/**
 * Start-up: `switchboard sandbox` (the hub, SQLite, and a simulator with a demo guild) from spawn until
 * `/ready` answers 200, which needs the gateway session to be ready. Baseline: spawning `node -e ""` until
 * it exits, the least any Node program costs on this machine. Median of a few runs of each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnNode } from '../lib/child-processes.ts';
import { SWITCHBOARD_MAIN_URL, switchboardNodeFlags } from '../lib/start-flags.ts';
import { median } from '../lib/percentiles.ts';
import { measure } from '../lib/results.ts';
import type { Scenario } from '../lib/scenario.ts';
import { sleep } from '../lib/timing.ts';

const SWITCHBOARD_MAIN = fileURLToPath(SWITCHBOARD_MAIN_URL);

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** How long a sandbox may take to be ready before the run gives up on it (a bound, not the target). */
const READY_GIVE_UP_MS = 60_000;
/** Tries with another port when the one picked was taken before the sandbox could bind it. */
const PORT_TRIES = 3;

async function sandboxToReady(): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const data = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-startup-'));
    const started = performance.now();
    const sandbox = spawnNode(SWITCHBOARD_MAIN, ['sandbox', '--port', String(port), '--sim-port', '0', '--data', data], { env: { LOG_LEVEL: 'warn' }, nodeArgs: switchboardNodeFlags() });
    let exitCode: number | null | undefined;
    void sandbox.exited.then((code) => (exitCode = code));
    try {
      while (!(await isReady(`http://127.0.0.1:${port}/ready`))) {
        if (exitCode !== undefined) {
          // Another process took the port between freePort() and the sandbox binding it: try another one.
          if (attempt < PORT_TRIES && /EADDRINUSE/.test(sandbox.output())) break;
          throw new Error(`the sandbox exited (code ${exitCode}) before /ready answered 200; its output:\n${sandbox.output().slice(-2_000)}`);
        }
        if (performance.now() - started > READY_GIVE_UP_MS) {
          throw new Error(`the sandbox did not answer /ready with 200 within ${READY_GIVE_UP_MS} ms; its output:\n${sandbox.output().slice(-2_000)}`);
        }
        await sleep(5);
      }
      if (exitCode === undefined) return performance.now() - started;
    } finally {
      await sandbox.stop();
      rmSync(data, { recursive: true, force: true });
    }
  }
}

async function bareNodeSpawn(): Promise<number> {
  const started = performance.now();
  const child = spawnNode('-e', ['']);
  const code = await child.exited;
  if (code !== 0) throw new Error(`node -e "" exited with ${code}`);
  return performance.now() - started;
}

export const startupScenario: Scenario = {
  name: 'startup',
  description: 'switchboard sandbox from spawn to /ready 200; baseline: node -e "" spawn to exit',
  async run({ quick, log, note }) {
    const runs = quick ? 2 : 5;
    const sandbox: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(await bareNodeSpawn());
      sandbox.push(await sandboxToReady());
      log(`run ${i + 1}/${runs}: sandbox ${Math.round(sandbox[i] ?? 0)} ms, node -e "" ${Math.round(bare[i] ?? 0)} ms`);
      // Lets the previous sandbox's ports and files go before the next one starts.
      await sleep(100);
    }
    note(`${runs} runs each, medians reported; sandbox runs: ${sandbox.map(Math.round).join(', ')} ms`);
    const baseline = { name: 'node -e ""', value: median(bare) };
    return [
      measure({ metric: 'spawn to /ready 200', unit: 'ms', value: median(sandbox), baseline, target: { kind: 'at-most', limit: 1_500 } }),
      measure({ metric: 'node -e "" spawn to exit', unit: 'ms', value: median(bare) }),
    ];
  },
};
