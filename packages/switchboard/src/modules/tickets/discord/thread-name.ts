/**
 * The name of a ticket's thread: `🎫 Ticket #123: Title`, on one line, cut to Discord's thread-name limit.
 * Lengths are counted in UTF-16 units, never fewer than the characters Discord counts, and a cut never falls
 * between the two halves of a surrogate pair (an emoji in the title stays whole or goes).
 */
import { THREAD_NAME_MAX } from 'discord-limits';

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

/** The title on one line: runs of whitespace (line breaks included) become one space. */
function oneLine(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

export function ticketThreadName(number: number, title: string): string {
  const prefix = `🎫 Ticket #${number}`;
  const clean = oneLine(title);
  if (clean === '') return cutText(prefix, THREAD_NAME_MAX);
  return cutText(`${prefix}: ${clean}`, THREAD_NAME_MAX);
}
