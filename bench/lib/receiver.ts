/**
 * The local receiver of event-routing runs: an HTTP server that counts events and, per event, the latency
 * from when the simulator created the message (its snowflake time) to arrival. Once given the signing secret, it
 * verifies every request with the SDK's verifyWebhook, as an app would, and counts failures apart.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@switchboard/sdk';
import { DISCORD_EPOCH_MS } from 'discord-limits';
import { sleep } from './timing.ts';

export type EventReceiver = {
  url: string;
  readonly count: number;
  readonly rejected: number;
  /** Milliseconds from the message's creation to arrival, one per event since the last reset. */
  readonly latencies: number[];
  /** From now on, verify every request with this secret (registration hands it out after the URL is known). */
  verifyWith(signingSecret: string): void;
  reset(): void;
  /** Waits for `count` events; gives up when nothing arrives for `stallMs` or after `maxMs`. */
  waitFor(count: number, limits: { stallMs: number; maxMs: number }): Promise<{ reached: boolean; lastArrivalAt: number }>;
  close(): Promise<void>;
};

/** Creation time of a Discord id, in ms since the Unix epoch. */
function snowflakeTime(id: unknown): number | undefined {
  if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) return undefined;
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS;
}

/** The message id carried by a hub webhook (`data.id`) or by the naive forwarder's body (`id`). */
function messageIdOf(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const record = payload as { id?: unknown; data?: { id?: unknown } };
  return typeof record.data === 'object' && record.data !== null ? record.data.id : record.id;
}

export async function startEventReceiver(): Promise<EventReceiver> {
  let signingSecret: string | undefined;
  let count = 0;
  let rejected = 0;
  let latencies: number[] = [];
  let lastArrivalAt = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrivedAt = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: unknown;
      if (signingSecret) {
        const verified = verifyWebhook(signingSecret, req.headers, body);
        if (!verified.ok) {
          rejected++;
          res.writeHead(401).end(verified.reason);
          return;
        }
        payload = verified.event;
      } else {
        try {
          payload = JSON.parse(body) as unknown;
        } catch {
          rejected++;
          res.writeHead(400).end('not JSON');
          return;
        }
      }
      count++;
      lastArrivalAt = performance.now();
      const createdAt = snowflakeTime(messageIdOf(payload));
      if (createdAt !== undefined) latencies.push(arrivedAt - createdAt);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/events`,
    get count() {
      return count;
    },
    get rejected() {
      return rejected;
    },
    get latencies() {
      return latencies;
    },
    verifyWith(secret) {
      signingSecret = secret;
    },
    reset() {
      count = 0;
      rejected = 0;
      latencies = [];
    },
    async waitFor(target, limits) {
      const started = performance.now();
      let seen = count;
      let progressAt = started;
      while (count < target) {
        const now = performance.now();
        if (count !== seen) {
          seen = count;
          progressAt = now;
        }
        if (now - progressAt > limits.stallMs || now - started > limits.maxMs) return { reached: false, lastArrivalAt };
        await sleep(2);
      }
      return { reached: true, lastArrivalAt };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
