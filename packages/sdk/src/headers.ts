/** Reading request headers whatever their container: fetch `Headers`, Node's `IncomingHttpHeaders`, or a plain record. */

/** Headers as fetch, `node:http`, Fastify and Express give them. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/** The value of header `name` (any case); repeated headers are joined with `, ` as HTTP does. */
export function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}
