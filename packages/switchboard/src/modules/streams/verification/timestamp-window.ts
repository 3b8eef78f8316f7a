/** Parsing an RFC 3339 timestamp and checking that it lies within a replay window around "now". */

export const REPLAY_WINDOW_MS = 10 * 60 * 1000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or `undefined` when the text is not an RFC 3339 date-time. Fractions beyond milliseconds are dropped. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text.trim());
  if (m === null) return undefined;
  const millis = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${millis}${(m[8] ?? 'Z').toUpperCase()}`;
  const value = Date.parse(iso);
  return Number.isFinite(value) ? value : undefined;
}

export type WindowCheck =
  | { readonly ok: true; readonly at: number }
  | { readonly ok: false; readonly reason: 'bad_timestamp' | 'stale_timestamp' | 'future_timestamp' };

/** Refuses timestamps that do not parse, are older than `windowMs`, or are more than `windowMs` in the future. */
export function checkTimestampWindow(text: string, now: number, windowMs: number = REPLAY_WINDOW_MS): WindowCheck {
  const at = parseRfc3339(text);
  if (at === undefined) return { ok: false, reason: 'bad_timestamp' };
  if (now - at > windowMs) return { ok: false, reason: 'stale_timestamp' };
  if (at - now > windowMs) return { ok: false, reason: 'future_timestamp' };
  return { ok: true, at };
}
