/** Reading one request header by name, case-insensitively, from a plain header record. */

/** Node's `IncomingHttpHeaders` or any plain record of header values. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The single value of header `name`, or `undefined` when it is absent, empty, or sent more
 * than once (a repeated signature or id header is ambiguous and is treated as missing).
 */
export function singleHeader(headers: HeaderRecord, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | readonly string[] | undefined;
  let count = 0;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    found = headers[key];
    count += 1;
  }
  if (count !== 1 || found === undefined) return undefined;
  if (typeof found !== 'string') {
    if (found.length !== 1) return undefined;
    found = found[0];
  }
  return found === undefined || found === '' ? undefined : found;
}

/** The raw body as bytes, exactly as received (strings are taken as UTF-8). */
export function bodyBytes(rawBody: Uint8Array | string): Buffer {
  return typeof rawBody === 'string'
    ? Buffer.from(rawBody, 'utf8')
    : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
}
