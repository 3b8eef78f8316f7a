/**
 * Text cut to one of Discord's length limits, marked with "…". Lengths are counted in UTF-16 units, never
 * fewer than the characters Discord counts, and a cut never falls between the two halves of a surrogate pair
 * (an emoji stays whole or goes).
 */
const ELLIPSIS = '…';

/** `text` cut to at most `max` UTF-16 units, ending with "…" when something was cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = Math.max(0, max - ELLIPSIS.length);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}
