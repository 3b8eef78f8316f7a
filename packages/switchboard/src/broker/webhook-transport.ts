/**
 * Sends one webhook POST to addresses already approved by the URL policy, and to no other.
 *
 * The connection is made with a `lookup` that answers with the addresses the policy checked, instead of
 * resolving the name a second time: with a plain `fetch` the name would be resolved again at connect
 * time, and a DNS answer that changed in between (rebinding) could send the request to an address that was
 * never checked. TLS still verifies the certificate against the URL's host name (SNI and hostname check
 * use the name, not the address). Redirects are not followed: a 3xx answer is a failed attempt like any
 * other non-2xx.
 *
 * Requests go through undici's connection pools (the HTTP client of `@discordjs/rest`, so already loaded):
 * per request it costs about half of what `node:http` did, which was a quarter of the hub's work while it
 * routed a burst of events. Connections are kept alive and reused, one pool per URL origin *and* set of
 * checked addresses: a pooled connection only ever serves requests whose check approved the very address
 * it is connected to, so reuse cannot bypass the policy. Idle connections do not keep the process alive.
 */
import type { LookupFunction } from 'node:net';
import { Pool } from 'undici';
import type { ResolvedAddress } from './outgoing-url-policy.ts';

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

const pools = new Map<string, Pool>();

/** The keep-alive pool for this origin and these approved addresses. */
function poolFor(url: URL, addresses: readonly ResolvedAddress[]): Pool {
  const key = `${url.protocol}//${url.host}|${addresses.map((a) => `${a.family}/${a.address}`).join(',')}`;
  const pool = pools.get(key);
  if (pool) {
    // Most recently used last, so the first one is the one to close when there are too many.
    pools.delete(key);
    pools.set(key, pool);
    return pool;
  }
  const created = new Pool(url.origin, { connect: { lookup: pinnedLookup(addresses) } });
  pools.set(key, created);
  if (pools.size > MAX_CONNECTION_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value!;
    pools.delete(oldestKey);
    // Requests already on it finish; then its connections close.
    void oldest.close();
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

export const pinnedHttpTransport: WebhookTransport = async (request) => {
  const { url, timeoutMs } = request;
  const signal = AbortSignal.timeout(timeoutMs);
  const keep = request.keepBytes ?? EXCERPT_BYTES;
  try {
    const answer = await poolFor(url, request.addresses).request({
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
      body: request.body,
      // The signal is the deadline for the whole answer (undici's own timeouts are far longer).
      signal,
    });
    // The whole answer is read (so that the connection can serve the next webhook); only its start is kept.
    const chunks: Buffer[] = [];
    let kept = 0;
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      if (kept < keep) {
        chunks.push(chunk);
        kept += chunk.length;
      }
    }
    return { status: answer.statusCode, bodyExcerpt: Buffer.concat(chunks).subarray(0, keep).toString('utf8') };
  } catch (error) {
    if (signal.aborted) throw new Error(`no complete answer within ${timeoutMs} ms`, { cause: error });
    throw error;
  }
};
