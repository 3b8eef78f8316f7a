/** Constant-time comparison of an `<algorithm>=<hex>` signature header against a computed digest. */
import { timingSafeEqual } from 'node:crypto';

export type HexSignature = { readonly algorithm: string; readonly digest: Buffer };

/** Splits `sha256=0a1b…` into its lower-cased algorithm and digest bytes; `undefined` when malformed. */
export function parseHexSignature(header: string): HexSignature | undefined {
  const match = /^([A-Za-z0-9]+)=([0-9a-fA-F]+)$/.exec(header.trim());
  if (match === null) return undefined;
  const hex = match[2] ?? '';
  if (hex.length % 2 !== 0) return undefined;
  return { algorithm: (match[1] ?? '').toLowerCase(), digest: Buffer.from(hex, 'hex') };
}

/** True when both digests have the same length and bytes; the byte comparison is constant-time. */
export function digestsEqual(expected: Buffer, received: Buffer): boolean {
  if (expected.length !== received.length) return false;
  return timingSafeEqual(expected, received);
}
