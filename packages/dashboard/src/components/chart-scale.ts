/** The arithmetic of the charts: a round top for the y axis, its ticks, and which x labels fit. Pure. */

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above the largest value (at least 1, so an empty chart has an axis). */
export function niceMax(values: readonly (number | null)[]): number {
  const largest = Math.max(0, ...values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (largest <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(largest));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= largest) return step * power;
  }
  return 10 * power;
}

export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, index) => Number(((max * index) / count).toPrecision(6)));
}

/** Indexes of the x labels to print so that at most `room` of them show, always with the first and last. */
export function labelIndexes(length: number, room: number): number[] {
  if (length <= 0) return [];
  if (length <= room) return Array.from({ length }, (_, index) => index);
  const every = Math.ceil((length - 1) / Math.max(1, room - 1));
  const picked: number[] = [];
  for (let index = 0; index < length - 1; index += every) picked.push(index);
  if (length - 1 - picked[picked.length - 1]! < every / 2 && picked.length > 1) picked.pop();
  picked.push(length - 1);
  return picked;
}
