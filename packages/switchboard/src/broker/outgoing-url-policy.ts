/**
 * Which callback URLs the hub may send webhooks to (protection against server-side request forgery).
 * A URL passes when it is http(s) without credentials, its host is not a metadata service by name, and
 * every address its host resolves to is allowed: link-local, metadata, unspecified, multicast, broadcast
 * and reserved addresses never are; loopback and private ones only when the policy says so. One bad
 * address refuses the whole URL, because the connection could go to any of them.
 *
 * The check resolves the name itself and returns the addresses it approved; the sender connects to those
 * addresses only (see webhook-transport.ts), so that a name re-resolving to another address between the
 * check and the connection (DNS rebinding) cannot move the request.
 */
import { lookup } from 'node:dns/promises';
import { classifyIp, type IpCategory } from './ip-ranges.ts';

export type UrlPolicy = {
  /** Loopback (127.0.0.0/8, ::1): a receiver on the hub's own machine. */
  allowLoopback: boolean;
  /** Private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7). */
  allowPrivate: boolean;
};

export type ResolvedAddress = { address: string; family: 4 | 6 };

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type UrlCheck =
  | { ok: true; url: URL; addresses: ResolvedAddress[] }
  | { ok: false; reason: string };

/** Names of metadata services, refused whatever they resolve to. */
const METADATA_HOSTNAMES = new Set(['metadata.google.internal']);

const CATEGORY_WORDS: Record<Exclude<IpCategory, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  link_local: 'a link-local address',
  metadata: 'a cloud metadata service address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};

export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/** Why an address of this category is refused under the policy, or undefined when it is allowed. */
export function refusalOf(category: IpCategory, policy: UrlPolicy): string | undefined {
  if (category === 'public') return undefined;
  if (category === 'loopback' && policy.allowLoopback) return undefined;
  if (category === 'private' && policy.allowPrivate) return undefined;
  return CATEGORY_WORDS[category];
}

/** The URL's host without IPv6 brackets or a trailing dot, lower case. */
export function hostOf(url: URL): string {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return host.replace(/\.$/, '').toLowerCase();
}

/** Checks the shape of the URL without resolving it (what can be said at registration already). */
export function checkCallbackUrlShape(text: string | URL): { ok: true; url: URL } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'the callback URL is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `the callback URL must use http or https, not ${url.protocol.slice(0, -1)}` };
  if (url.username || url.password) return { ok: false, reason: 'the callback URL must not contain credentials' };
  const host = hostOf(url);
  if (!host) return { ok: false, reason: 'the callback URL has no host' };
  if (METADATA_HOSTNAMES.has(host)) return { ok: false, reason: `the callback URL names a cloud metadata service (${host})` };
  return { ok: true, url };
}

/** Checks a callback URL completely, resolving its host; the addresses returned are the ones to connect to. */
export async function checkCallbackUrl(text: string | URL, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<UrlCheck> {
  const shape = checkCallbackUrlShape(text);
  if (!shape.ok) return shape;
  const { url } = shape;
  const host = hostOf(url);
  let addresses: ResolvedAddress[];
  if (classifyIp(host) !== undefined) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { ok: false, reason: `the callback host ${host} could not be resolved${typeof code === 'string' ? ` (${code})` : ''}` };
    }
    if (addresses.length === 0) return { ok: false, reason: `the callback host ${host} resolves to no address` };
  }
  for (const { address } of addresses) {
    const category = classifyIp(address);
    if (category === undefined) return { ok: false, reason: `the callback host ${host} resolved to something that is not an address (${address})` };
    const refusal = refusalOf(category, policy);
    if (refusal) return { ok: false, reason: `the callback host ${host} resolves to ${refusal} (${address}), which is not allowed` };
  }
  return { ok: true, url, addresses };
}
