/**
 * Sends one webhook POST to addresses already approved by the URL policy, and to no other.
 *
 * This uses `node:http` / `node:https` rather than global `fetch` on purpose: their `lookup` option lets
 * the connection use the addresses the policy checked, instead of resolving the name a second time. With
 * fetch the name would be resolved again at connect time, and a DNS answer that changed in between
 * (rebinding) could send the request to an address that was never checked. TLS still verifies the
 * certificate against the URL's host name (SNI and hostname check use the name, not the address).
 * Redirects are not followed: a 3xx answer is a failed attempt like any other non-2xx.
 *
 * Connections are kept alive and reused, one pool per URL origin *and* set of checked addresses: a pooled
 * connection only ever serves requests whose check approved the very address it is connected to, so
 * reuse cannot bypass the policy. (A new connection per webhook cost a TCP handshake on both ends of
 * every delivery.) Idle connections do not keep the process alive.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './outgoing-url-policy.ts';
import { hostOf } from './outgoing-url-policy.ts';

export type WebhookSend = {
  url: URL;
  /** The checked addresses of the URL's host; the connection goes to one of these. */
  addresses: readonly ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** How much of the answer's body to keep (default 512 bytes, enough for the attempt log). */
  keepBytes?: number;
};

export type WebhookAnswer = { status: number; /** The start of the answer's body, for the attempt log. */ bodyExcerpt: string };

/** Posts a webhook; rejects on a network error or timeout. */
export type WebhookTransport = (request: WebhookSend) => Promise<WebhookAnswer>;

const EXCERPT_BYTES = 512;

/** Pools kept at most; the least recently used is closed beyond this. */
export const MAX_CONNECTION_POOLS = 256;

const pools = new Map<string, http.Agent>();

/** The keep-alive pool for this origin and these approved addresses. */
function poolFor(url: URL, addresses: readonly ResolvedAddress[]): http.Agent {
  const key = `${url.protocol}//${url.host}|${addresses.map((a) => `${a.family}/${a.address}`).join(',')}`;
  const pool = pools.get(key);
  if (pool) {
    // Most recently used last, so the first one is the one to close when there are too many.
    pools.delete(key);
    pools.set(key, pool);
    return pool;
  }
  const created = url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  pools.set(key, created);
  if (pools.size > MAX_CONNECTION_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value!;
    pools.delete(oldestKey);
    // Only its idle connections: a request still using one of the others finishes normally.
    for (const sockets of Object.values(oldest.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }
  return created;
}

/** A `lookup` that answers with the given addresses whatever it is asked. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const first = addresses[0];
    if (!first) {
      callback(Object.assign(new Error('no approved address to connect to'), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    if (options.all) {
      (callback as unknown as (error: null, all: ResolvedAddress[]) => void)(null, [...addresses]);
      return;
    }
    callback(null, first.address, first.family);
  };
}

export const pinnedHttpTransport: WebhookTransport = (request) =>
  new Promise<WebhookAnswer>((resolve, reject) => {
    const { url } = request;
    const client = url.protocol === 'https:' ? https : http;
    const body = Buffer.from(request.body, 'utf8');
    const signal = AbortSignal.timeout(request.timeoutMs);
    const timedOut = () => new Error(`no complete answer within ${request.timeoutMs} ms`);
    const outgoing = client.request(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: hostOf(url),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers: { ...request.headers, 'content-length': String(body.length) },
        lookup: pinnedLookup(request.addresses),
        signal,
        agent: poolFor(url, request.addresses),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let ended = false;
        const keep = request.keepBytes ?? EXCERPT_BYTES;
        response.on('data', (chunk: Buffer) => {
          if (kept < keep) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () => {
          ended = true;
          resolve({ status: response.statusCode ?? 0, bodyExcerpt: Buffer.concat(chunks).subarray(0, keep).toString('utf8') });
        });
        response.on('error', (error) => reject(signal.aborted ? timedOut() : error));
        response.on('close', () => {
          if (!ended) reject(signal.aborted ? timedOut() : new Error('the connection closed before the answer was complete'));
        });
      },
    );
    outgoing.on('error', (error: Error) => {
      reject(signal.aborted ? timedOut() : error);
    });
    outgoing.end(body);
  });
