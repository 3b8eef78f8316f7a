/**
 * Multi-row statements in few shapes. A statement's SQL text changes with the number of rows (or of ids
 * in an `in (…)` list), and a prepared statement is only reused for the same text: batches of every size
 * from 1 to 256 made SQLite prepare almost every batch statement afresh, a tenth of the hub's time while
 * it routed a burst of events. Chunks whose sizes are powers of two, or lists padded up to one, keep the
 * texts to at most nine per kind of statement, and they stay prepared.
 */

/** The largest chunk: 256 rows × 13 columns stays far below either database's parameter limit. */
export const MAX_CHUNK_ROWS = 256;

/**
 * `items` in order, in chunks whose sizes are powers of two of at most `max` (itself a power of two):
 * 300 items become chunks of 256, 32, 8 and 4.
 */
export function powerOfTwoChunks<T>(items: readonly T[], max = MAX_CHUNK_ROWS): T[][] {
  if (!Number.isInteger(max) || max < 1 || (max & (max - 1)) !== 0) throw new RangeError(`max must be a power of two (got ${max})`);
  const chunks: T[][] = [];
  let start = 0;
  while (start < items.length) {
    let size = max;
    while (size > items.length - start) size >>= 1;
    chunks.push(items.slice(start, start + size));
    start += size;
  }
  return chunks;
}

/**
 * `items` with its last item repeated up to the next power of two, for an `in (…)` list, where a value
 * given twice means the same as once. An empty list stays empty.
 */
export function padToPowerOfTwo<T>(items: readonly T[]): T[] {
  if (items.length === 0) return [];
  let size = 1;
  while (size < items.length) size <<= 1;
  const padded = [...items];
  const last = items[items.length - 1]!;
  while (padded.length < size) padded.push(last);
  return padded;
}
