/** Shared test helpers: a simulator per test, the control API, raw REST calls and waiting for conditions. */
import { startSimulator } from '../../src/index.ts';
import type { Simulator, SimulatorOptions } from '../../src/index.ts';

/** Starts a simulator on a random port for the duration of `fn`. */
export async function withSim<T>(options: SimulatorOptions, fn: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ port: 0, ...options });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function request<T>(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** Calls the control API; throws unless it answers 2xx, so tests fail loudly on setup mistakes. */
export async function control<T = Record<string, unknown>>(sim: Simulator, method: string, path: string, body?: unknown): Promise<T> {
  const res = await request<T>(`${sim.url}/_sim${path}`, method, body, {});
  if (res.status >= 300) throw new Error(`${method} /_sim${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A raw REST call as the bot (or with `token: null`, without authorisation). */
export function api<T = Record<string, unknown>>(sim: Simulator, method: string, path: string, body?: unknown, token: string | null = sim.botToken, extra: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...extra };
  if (token !== null) headers.Authorization = `Bot ${token}`;
  return request<T>(`${sim.apiBase}/v10${path}`, method, body, headers);
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface DemoIds {
  guildId: string;
  ownerId: string;
  roles: Record<string, string>;
  channels: Record<string, string>;
  members: Record<string, string>;
}

/** A small guild: #general and #support in a category, two members, the bot with its default role. */
export function createTestGuild(sim: Simulator, extra: Record<string, unknown> = {}): Promise<DemoIds & { guildId: string }> {
  return control<DemoIds>(sim, 'POST', '/guilds', {
    name: 'Test Guild',
    roles: [{ name: 'Helper', permissions: ['ManageThreads'] }],
    channels: [{ name: 'Text', type: 'category' }, { name: 'general', parent: 'Text' }, { name: 'support', parent: 'Text' }],
    members: [{ username: 'owner' }, { username: 'alice', global_name: 'Alice' }, { username: 'bob', roles: ['Helper'] }],
    ...extra,
  });
}
