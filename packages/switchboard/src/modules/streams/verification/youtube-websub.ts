/**
 * YouTube's WebSub (PubSubHubbub) callback: answering the hub's intent-verification
 * challenge, and verifying a content-distribution request before reading its Atom body.
 *
 * Challenge: `GET ?hub.mode=subscribe|unsubscribe&hub.topic=…&hub.challenge=…&hub.lease_seconds=…`.
 * The challenge is echoed (status 200, body = challenge) only when the topic is one we asked
 * for; otherwise the caller answers 404. For `subscribe`, the lease expiry and a renewal time
 * before it are returned.
 *
 * Distribution: `X-Hub-Signature: sha1=<hex>` (or sha256/sha384/sha512) is an HMAC of the raw
 * body with the subscription's secret. WebSub asks subscribers to answer 2xx even when the
 * signature is wrong and simply ignore the content: the refusal here means "ignore".
 */
import { createHmac } from 'node:crypto';
import { bodyBytes, singleHeader } from './headers.ts';
import type { HeaderRecord } from './headers.ts';
import { digestsEqual, parseHexSignature } from './hex-signature.ts';
import { parseYouTubeAtom } from './youtube-atom.ts';
import type { YouTubeFeedItem } from './youtube-atom.ts';

export type WebSubQuery = URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

export type WebSubChallengeInput = {
  readonly query: WebSubQuery;
  /** The topic URLs for which a (un)subscription request of that mode is outstanding. */
  readonly expectedTopics: { readonly subscribe: ReadonlySet<string>; readonly unsubscribe: ReadonlySet<string> };
  /** Milliseconds since the epoch. */
  readonly now: number;
};

export type WebSubChallengeResult =
  | {
      readonly ok: true;
      readonly mode: 'subscribe';
      readonly topic: string;
      /** Answer with status 200 and this exact text as the body. */
      readonly challenge: string;
      readonly leaseSeconds: number;
      readonly leaseExpiresAt: number;
      /** When the caller should renew: a tenth of the lease (at least a minute, at most a day) before expiry. */
      readonly renewAt: number;
    }
  | { readonly ok: true; readonly mode: 'unsubscribe'; readonly topic: string; readonly challenge: string }
  | {
      readonly ok: false;
      readonly reason: 'missing_parameter' | 'unknown_mode' | 'subscription_denied' | 'unexpected_topic' | 'bad_lease';
    };

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export function answerWebSubChallenge(input: WebSubChallengeInput): WebSubChallengeResult {
  const mode = queryValue(input.query, 'hub.mode');
  const topic = queryValue(input.query, 'hub.topic');
  if (mode === 'denied') return { ok: false, reason: 'subscription_denied' };
  const challenge = queryValue(input.query, 'hub.challenge');
  if (mode === undefined || topic === undefined || challenge === undefined) return { ok: false, reason: 'missing_parameter' };
  if (mode !== 'subscribe' && mode !== 'unsubscribe') return { ok: false, reason: 'unknown_mode' };
  if (!input.expectedTopics[mode].has(topic)) return { ok: false, reason: 'unexpected_topic' };
  if (mode === 'unsubscribe') return { ok: true, mode, topic, challenge };

  const leaseText = queryValue(input.query, 'hub.lease_seconds');
  if (leaseText === undefined || !/^[0-9]{1,10}$/.test(leaseText)) return { ok: false, reason: 'bad_lease' };
  const leaseSeconds = Number(leaseText);
  if (leaseSeconds <= 0) return { ok: false, reason: 'bad_lease' };
  const leaseMs = leaseSeconds * 1000;
  const leaseExpiresAt = input.now + leaseMs;
  const margin = Math.min(DAY_MS, Math.max(MINUTE_MS, leaseMs / 10));
  const renewAt = Math.max(input.now, leaseExpiresAt - margin);
  return { ok: true, mode, topic, challenge, leaseSeconds, leaseExpiresAt, renewAt };
}

function queryValue(query: WebSubQuery, name: string): string | undefined {
  if (query instanceof URLSearchParams) {
    const all = query.getAll(name);
    return all.length === 1 && all[0] !== '' ? all[0] : undefined;
  }
  const value = query[name];
  const single = typeof value === 'string' ? value : value?.length === 1 ? value[0] : undefined;
  return single === '' ? undefined : single;
}

export type WebSubDistributionInput = {
  readonly headers: HeaderRecord;
  readonly rawBody: Uint8Array | string;
  /** The `hub.secret` given when subscribing. */
  readonly secret: string;
};

export type WebSubDistributionResult =
  | { readonly ok: true; readonly items: readonly YouTubeFeedItem[] }
  | {
      readonly ok: false;
      readonly reason:
        | 'missing_signature'
        | 'malformed_signature'
        | 'unsupported_algorithm'
        | 'bad_signature'
        | 'too_large'
        | 'doctype_refused'
        | 'not_a_feed'
        | 'bad_entry';
    };

const ALGORITHMS: ReadonlySet<string> = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

/** The `X-Hub-Signature` value the hub would send for this body. */
export function webSubSignature(algorithm: 'sha1' | 'sha256' | 'sha384' | 'sha512', secret: string, rawBody: Uint8Array | string): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(bodyBytes(rawBody)).digest('hex')}`;
}

export function verifyWebSubDistribution(input: WebSubDistributionInput): WebSubDistributionResult {
  const header = singleHeader(input.headers, 'X-Hub-Signature');
  if (header === undefined) return { ok: false, reason: 'missing_signature' };
  const received = parseHexSignature(header);
  if (received === undefined) return { ok: false, reason: 'malformed_signature' };
  if (!ALGORITHMS.has(received.algorithm)) return { ok: false, reason: 'unsupported_algorithm' };
  if (input.secret === '') return { ok: false, reason: 'bad_signature' };
  const body = bodyBytes(input.rawBody);
  const expected = createHmac(received.algorithm, input.secret).update(body).digest();
  if (!digestsEqual(expected, received.digest)) return { ok: false, reason: 'bad_signature' };
  return parseYouTubeAtom(body.toString('utf8'));
}
