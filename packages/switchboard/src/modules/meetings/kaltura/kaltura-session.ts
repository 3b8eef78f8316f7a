/**
 * Kaltura sessions (KS v2) made locally from the partner's admin secret, the way Kaltura's own client
 * libraries make them, so that no session.start call (and no round trip) is needed:
 *
 *   fields   = privileges as `name=value` pairs, then `_e` (expiry, unix seconds), `_t` (type), `_u` (user), URL-encoded
 *   message  = SHA-1(random16 ‖ fields) ‖ random16 ‖ fields
 *   sealed   = AES-128-CBC(key = first 16 bytes of SHA-1(secret), IV = 16 zero bytes, zero padding)(message)
 *   KS       = base64url("v2|" + partnerId + "|" ‖ sealed)   (Kaltura's URL-safe alphabet: + → -, / → _)
 *
 * Privileges come as Kaltura writes them: `name:value` items separated by commas (`*` means `all:*`).
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** Kaltura's session types: a user session, or an admin session with the partner's full rights. */
export const KS_TYPE = { user: 0, admin: 2 } as const;
export type KalturaSessionType = (typeof KS_TYPE)[keyof typeof KS_TYPE];

export type KalturaSessionInput = {
  adminSecret: string;
  partnerId: number;
  userId: string;
  type: KalturaSessionType;
  /** How long the KS is valid, in seconds. */
  expirySeconds: number;
  /** `name:value` items separated by commas, e.g. `eventSessionContextId:12,role:viewerRole`. */
  privileges: string;
  /** Milliseconds since the epoch. */
  now: number;
};

const RANDOM_BYTES = 16;
const BLOCK = 16;

/** The privileges string as ordered `[name, value]` pairs (`*` → `all:*`, a bare name has an empty value). */
export function parsePrivileges(privileges: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const raw of privileges.split(',')) {
    const item = raw.trim() === '*' ? 'all:*' : raw.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    pairs.push(colon === -1 ? [item, ''] : [item.slice(0, colon), item.slice(colon + 1)]);
  }
  return pairs;
}

export function createKalturaSession(input: KalturaSessionInput): string {
  if (!Number.isSafeInteger(input.partnerId) || input.partnerId <= 0) throw new RangeError('partnerId must be a positive whole number');
  if (!Number.isSafeInteger(input.expirySeconds) || input.expirySeconds <= 0) throw new RangeError('expirySeconds must be a positive whole number');
  if (input.adminSecret === '') throw new RangeError('the admin secret is empty');
  const fields = new URLSearchParams();
  for (const [name, value] of parsePrivileges(input.privileges)) {
    if (name.startsWith('_')) throw new RangeError(`privilege ${name} is reserved`);
    fields.append(name, value);
  }
  fields.append('_e', String(Math.floor(input.now / 1000) + input.expirySeconds));
  fields.append('_t', String(input.type));
  fields.append('_u', input.userId);

  const body = Buffer.concat([randomBytes(RANDOM_BYTES), Buffer.from(fields.toString(), 'utf8')]);
  const message = Buffer.concat([createHash('sha1').update(body).digest(), body]);
  const padded = Buffer.alloc(Math.ceil(message.length / BLOCK) * BLOCK);
  message.copy(padded);
  const key = createHash('sha1').update(input.adminSecret, 'utf8').digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-cbc', key, Buffer.alloc(BLOCK));
  cipher.setAutoPadding(false);
  const sealed = Buffer.concat([cipher.update(padded), cipher.final()]);
  return Buffer.concat([Buffer.from(`v2|${input.partnerId}|`, 'utf8'), sealed]).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}
