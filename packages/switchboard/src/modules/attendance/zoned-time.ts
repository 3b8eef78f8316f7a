/**
 * Wall-clock time in an IANA zone, computed with Intl alone: what the clock on the wall reads at an instant,
 * and the instant at which it reads a given time. A wall time that does not exist (skipped when clocks go
 * forward) resolves to the same distance past the change (02:30 → 03:30); one that happens twice (clocks go
 * back) resolves to the first of the two — as calendars do.
 */

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '' || zone !== zone.trim()) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** What a clock in `zone` shows at the instant `ms`. */
export function wallClockAt(ms: number, zone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

function asUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

/** How far `zone` is ahead of UTC at the instant `ms`, in ms. */
export function offsetAt(ms: number, zone: string): number {
  return asUtc(wallClockAt(ms, zone)) - ms;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant at which a clock in `zone` shows `wall` (out-of-range fields roll over, as with Date.UTC). */
export function instantOf(wall: WallClock, zone: string): number {
  const local = asUtc(wall);
  // The offsets in force a day either side cover any change near this time.
  const before = offsetAt(local - DAY_MS, zone);
  const after = offsetAt(local + DAY_MS, zone);
  const candidates = [local - before, local - after].filter((t) => offsetAt(t, zone) === local - t).sort((a, b) => a - b);
  // None matches inside a gap: keep the offset from before it, which lands as far past the change.
  return candidates[0] ?? local - before;
}

/** The same wall-clock time `days` calendar days later in `zone`. */
export function addLocalDays(ms: number, days: number, zone: string): number {
  const wall = wallClockAt(ms, zone);
  return instantOf({ ...wall, day: wall.day + days }, zone);
}
