/**
 * The name of a ticket's thread: `🎫 Ticket #123: Title`, on one line, cut to Discord's thread-name limit.
 */
import { THREAD_NAME_MAX } from 'discord-limits';
import { cutText } from '../../../discord/cut-text.ts';

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
