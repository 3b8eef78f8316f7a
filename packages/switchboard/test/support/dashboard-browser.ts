/**
 * For the dashboard's browser tests: the real `switchboard sandbox` command in a child process (the hub
 * serving the built dashboard, against the Discord simulator), Chromium from the system through
 * playwright-core, the simulator's control API, the hub's API as the sandbox admin, and screenshots.
 */
import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { exitOf, freePort, spawnCli, tempFolder } from './cli.ts';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
/** Outside CI a machine without Chromium skips the browser tests; under CI a missing browser fails them. */
export const browserSkip: string | false = !existsSync(CHROMIUM) && !inCi ? `${CHROMIUM} is not installed (apt-get install chromium)` : false;

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SCREENSHOTS = path.join(REPO, 'artifacts', 'screenshots');

/** Builds the dashboard when it has never been built (scripts/test.ts rebuilds a stale one; a single file run does not). */
export function ensureDashboardBuilt(): void {
  if (existsSync(path.join(REPO, 'packages', 'dashboard', 'dist', 'index.html'))) return;
  const vite = path.join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', 'packages/dashboard'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`building the dashboard failed:\n${result.stdout}\n${result.stderr}`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A full-page screenshot under <repo>/artifacts/screenshots, for people to look at after a run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Polls until the condition holds, failing with the description (and the last value seen) after the timeout. */
export async function waitUntil<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, description: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type Sandbox = {
  hubUrl: string;
  simUrl: string;
  adminToken: string;
  guildId: string;
  /** The simulator's control API (`/_sim`); throws on a non-2xx answer. */
  sim: <T = unknown>(method: string, route: string, body?: object) => Promise<T>;
  /** The hub's API as the sandbox admin: status code and parsed body. */
  api: <T = unknown>(method: string, route: string, body?: object) => Promise<{ status: number; body: T }>;
  stop: () => Promise<void>;
};

function readOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the sandbox did not print ${pattern} within ${timeoutMs} ms; saw:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(output);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited (${code}) before it was ready:\n${output}`));
    });
  });
}

function matched(output: string, pattern: RegExp, what: string): string {
  const value = pattern.exec(output)?.[1];
  if (!value) throw new Error(`the sandbox's output has no ${what}:\n${output}`);
  return value;
}

/** Starts `switchboard sandbox` on free ports and waits until the bot is connected and its commands registered. */
export async function startSandbox(): Promise<Sandbox> {
  const cwd = tempFolder();
  const [hubPort, simPort] = [await freePort(), await freePort()];
  const hubUrl = `http://localhost:${hubPort}`;
  const child = spawnCli(['sandbox', '--port', String(hubPort), '--sim-port', String(simPort), '--data', path.join(cwd, 'sandbox')], {
    cwd,
    // Sign-in cookies are set for the address the browser uses, so the hub's public address must be that one.
    env: { PUBLIC_URL: hubUrl, LOG_LEVEL: 'warn' },
  });
  const exited = exitOf(child);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const output = await readOutput(child, /Press Ctrl-C to stop/, 30_000);
    const adminToken = matched(output, /Admin API token\s+(sbt_\S+)/, 'admin token');
    const guildId = matched(output, /Demo guild "Switchboard Demo" \((\d+)\)/, 'demo guild id');
    const simUrl = matched(output, /Simulated Discord\s+(http:\/\/\S+)/, 'simulator address');

    const sim = async <T>(method: string, route: string, body?: object): Promise<T> => {
      const response = await fetch(`${simUrl}/_sim${route}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} /_sim${route} answered ${response.status}: ${text}`);
      return JSON.parse(text) as T;
    };
    const api = async <T>(method: string, route: string, body?: object) => {
      const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
      if (body) headers['content-type'] = 'application/json';
      const response = await fetch(`${hubUrl}${route}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    };

    await waitUntil(
      async () => (await api<{ data?: { ready: boolean; guilds: number } }>('GET', '/api/v1/status')).body.data,
      (status) => status?.ready === true && status.guilds === 1,
      'the sandbox bot is connected to its demo guild',
      30_000,
    );
    await waitUntil(
      async () => (await sim<{ name: string }[]>('GET', `/commands?guildId=${guildId}`)).map((c) => c.name),
      (names) => names.includes('ticket') && names.includes('session'),
      '/ticket and /session are registered',
      30_000,
    );
    return { hubUrl, simUrl, adminToken, guildId, sim, api, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
