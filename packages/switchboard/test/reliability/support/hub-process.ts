/**
 * The real `switchboard start` as a child process for the reliability suite: a SQLite (or given) database in a
 * temporary folder, an admin token made with the CLI, and helpers to wait for readiness and to kill it hard.
 * Its output is drained (an unread pipe would stall the hub) and kept for the failure message.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { exitOf, freePort, runCli, spawnCli, tempFolder } from '../../support/cli.ts';
import { SIM_BOT_TOKEN, type TestSimulator } from '../../support/simulator.ts';
import { startWebhookReceiver, type ReceiverOptions, type WebhookReceiver } from '../../support/webhook-receiver.ts';

export type HubProcess = {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output(): string;
  exited: Promise<{ code: number | null; ms: number }>;
};

export type HubFolder = {
  cwd: string;
  port: number;
  env: Record<string, string>;
  adminToken: string;
  url: string;
};

/** A folder and environment for a hub talking to the simulator; the admin token is created with the CLI. */
export async function prepareHubFolder(sim: TestSimulator, extraEnv: Record<string, string> = {}): Promise<HubFolder> {
  const cwd = tempFolder();
  const port = await freePort();
  const env = {
    DISCORD_TOKEN: SIM_BOT_TOKEN,
    DISCORD_API_URL: sim.apiBase,
    PORT: String(port),
    DATABASE_URL: `sqlite:${path.join(cwd, 'db.sqlite')}`,
    APP_CALLBACKS_ALLOW_LOOPBACK: 'true',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const created = runCli(['token', 'create', '--name', 'reliability', '--role', 'admin'], { cwd, env });
  if (created.code !== 0) throw new Error(`token create failed: ${created.stderr}`);
  return { cwd, port, env, adminToken: created.stdout.trim(), url: `http://127.0.0.1:${port}` };
}

/** Starts `switchboard start` in the folder and waits until /health answers. */
export async function startHubProcess(folder: HubFolder, timeoutMs = 20_000): Promise<HubProcess> {
  const child = spawnCli(['start'], { cwd: folder.cwd, env: folder.env });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = exitOf(child);
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`switchboard start exited early:\n${output}`);
    try {
      const response = await fetch(`${folder.url}/health`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`switchboard start did not answer /health within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url: folder.url, output: () => output, exited };
}

/** SIGKILL: no shutdown hook runs, exactly like a crash or the OOM killer. */
export async function killHard(hub: HubProcess): Promise<void> {
  hub.child.kill('SIGKILL');
  await hub.exited;
}

/** Stops the hub gracefully when still running (cleanup). */
export async function stopHub(hub: HubProcess | undefined): Promise<void> {
  if (!hub || hub.child.exitCode !== null || hub.child.signalCode !== null) return;
  hub.child.kill('SIGTERM');
  const timer = setTimeout(() => hub.child.kill('SIGKILL'), 10_000);
  await hub.exited;
  clearTimeout(timer);
}

/** A JSON call to the hub's API with a bearer token; answers status and parsed body. */
export async function api<T = unknown>(baseUrl: string, token: string | undefined, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body: parsed as T };
}

export type RegisteredApp = { id: string; token: string; signingSecret: string };

/**
 * Registers an app subscribed to a channel's messages, starts a receiver verifying with its signing secret
 * (which exists only once the app does), points the app at it and sends a heartbeat, so deliveries flow.
 */
export async function subscribeReceiver(
  baseUrl: string,
  adminToken: string,
  input: { id: string; guildId: string; channelId: string; respond?: ReceiverOptions['respond'] },
): Promise<{ app: RegisteredApp; receiver: WebhookReceiver }> {
  const placeholder = `http://127.0.0.1:${await freePort()}/not-yet`;
  const created = await api<{ data: { token: string; signingSecret: string } }>(baseUrl, adminToken, 'POST', '/api/v1/apps', {
    id: input.id,
    name: input.id,
    callbackUrl: placeholder,
    events: ['message.create'],
    guilds: [input.guildId],
    subscribedChannels: [input.channelId],
  });
  if (created.status !== 201) throw new Error(`registering ${input.id} → ${created.status} ${JSON.stringify(created.body)}`);
  const app = { id: input.id, token: created.body.data.token, signingSecret: created.body.data.signingSecret };
  const receiver = await startWebhookReceiver({ secret: app.signingSecret, ...(input.respond ? { respond: input.respond } : {}) });
  const pointed = await api(baseUrl, adminToken, 'PATCH', `/api/v1/apps/${app.id}`, { callbackUrl: receiver.url });
  if (pointed.status !== 200) throw new Error(`pointing ${input.id} at its receiver → ${pointed.status} ${JSON.stringify(pointed.body)}`);
  const beat = await api(baseUrl, app.token, 'POST', `/api/v1/apps/${app.id}/heartbeat`);
  if (beat.status !== 200) throw new Error(`heartbeat of ${input.id} → ${beat.status}`);
  return { app, receiver };
}
