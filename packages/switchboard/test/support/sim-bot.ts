/**
 * A bot connected to the simulator the way the hub will be: `@discordjs/core`'s Client over `@discordjs/ws`
 * and `@discordjs/rest`, with every INTERACTION_CREATE handed to `onInteraction` together with the moment
 * it arrived. Plus small helpers for the simulator's control API.
 */
import { API, Client, GatewayDispatchEvents, GatewayIntentBits, type APIInteraction } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { WebSocketManager } from '@discordjs/ws';
import type { Simulator } from 'discord-sim';

export type SimBot = { api: API; stop(): Promise<void> };

export async function connectBot(sim: Simulator, onInteraction: (interaction: APIInteraction, receivedAt: number) => void): Promise<SimBot> {
  const rest = new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken);
  const gateway = new WebSocketManager({ token: sim.botToken, intents: GatewayIntentBits.Guilds, rest });
  const client = new Client({ rest, gateway });
  client.on(GatewayDispatchEvents.InteractionCreate, ({ data }) => onInteraction(data, Date.now()));
  const ready = new Promise<void>((resolve) => client.once(GatewayDispatchEvents.Ready, () => resolve()));
  await gateway.connect();
  await ready;
  return { api: client.api, stop: async () => gateway.destroy() };
}

/** An API over the simulator's REST without a gateway connection. */
export function simApi(sim: Simulator): API {
  return new API(new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken));
}

/** Calls the control API; throws unless it answers 2xx. */
export async function control<T>(sim: Simulator, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /_sim${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export type SimCallback = { type: number; data: { content?: string; flags?: number; embeds?: Array<Record<string, unknown>> } | null };
export type SimInteractionResult = { interactionId: string; token: string; callback: SimCallback | null; deadlineMissed: boolean; elapsedMs: number };

/** Runs a user's interaction and waits for the bot's first answer. */
export function runInteraction(sim: Simulator, body: Record<string, unknown>): Promise<SimInteractionResult> {
  return control<SimInteractionResult>(sim, 'POST', '/interactions', body);
}

/** How many times `route` (e.g. "PUT /applications/:applicationId/commands") was answered, all statuses together. */
export async function requestCount(sim: Simulator, route: string): Promise<number> {
  const stats = await control<{ rest: { requests: Record<string, Record<string, number>> } }>(sim, 'GET', '/stats');
  return Object.values(stats.rest.requests[route] ?? {}).reduce((sum, count) => sum + count, 0);
}

/** Polls until `check` gives a value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
