/**
 * Splits text that is too long for one Discord message into parts that each fit, preferring line breaks,
 * then spaces, and cutting mid-word only when a single word is longer than a part. A code block that spans
 * a split is closed at the end of one part and reopened, with its language, at the start of the next, so
 * that it renders as code in both. Lengths are counted in UTF-16 units, which is never fewer than the code
 * points Discord counts, and a hard cut never separates the halves of a surrogate pair.
 */
import { MESSAGE_CONTENT_MAX } from 'discord-limits';

const FENCE = '```';
const CLOSING_FENCE = `\n${FENCE}`;
/** The smallest part size that still leaves room for code between a reopened and a closing fence. */
export const SPLIT_LIMIT_MIN = 16;

export type SplitOptions = { limit?: number };

/** Whether the text read so far leaves a code block open, and the fence line that opened it (e.g. "```ts"). */
type FenceState = { open: boolean; opener: string };

const CLOSED: FenceState = { open: false, opener: '' };

/** The fence state after `segment`, starting from `state`: each run of three or more backticks toggles a block. */
function scanFences(segment: string, state: FenceState): FenceState {
  let current = state;
  for (const match of segment.matchAll(/`{3,}/g)) {
    if (current.open) {
      current = CLOSED;
      continue;
    }
    const after = segment.slice(match.index + match[0].length);
    // A language tag is a single word running to the end of the fence line.
    const language = /^[\w+#.-]*(?=\n|$)/.exec(after)?.[0] ?? '';
    current = { open: true, opener: FENCE + language };
  }
  return current;
}

/** Where a part ends (`end`, exclusive) and where the next one starts (`next`), skipping the separator used. */
type Cut = { end: number; next: number };

/** The last index at or before `max` where `rest` may be cut without splitting a surrogate pair or a backtick run. */
function hardCut(rest: string, max: number): number {
  let cut = max;
  const before = rest.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
  while (cut > 0 && rest[cut - 1] === '`' && rest[cut] === '`') cut -= 1;
  return cut > 0 ? cut : max;
}

/** The best cut that leaves at most `max` characters before it: a line break, then a space, then anywhere. */
function findCut(rest: string, max: number): Cut {
  // One character past `max`: a separator right after a full-length part is still a clean break.
  const window = rest.slice(0, max + 1);
  const lineBreak = window.lastIndexOf('\n');
  if (lineBreak > 0) return { end: lineBreak, next: lineBreak + 1 };
  const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
  if (space > 0) return { end: space, next: space + 1 };
  const cut = hardCut(rest, max);
  return { end: cut, next: cut };
}

/**
 * Improves a cut that leaves a block open. A block that only just opened (its fence line ends the part) is
 * moved whole to the next part instead of leaving an empty block behind; a block that the text closes right
 * after the cut takes the text's own closing fence, which costs what an added one would.
 */
function tidyCutInBlock(rest: string, cut: Cut, fence: FenceState): { cut: Cut; after: FenceState } | undefined {
  const chunk = rest.slice(0, cut.end);
  const lastBreak = chunk.lastIndexOf('\n');
  if (lastBreak > 0 && /^`{3,}[\w+#.-]*$/.test(chunk.slice(lastBreak + 1)) && !scanFences(chunk.slice(0, lastBreak), fence).open) {
    return { cut: { end: lastBreak, next: lastBreak + 1 }, after: CLOSED };
  }
  if (/^\n```(?!`)/.test(rest.slice(cut.end))) {
    const end = cut.end + CLOSING_FENCE.length;
    return { cut: { end, next: end }, after: CLOSED };
  }
  return undefined;
}

/** The fence line that reopens a block in the next part; a language tag too long to leave room for code is dropped. */
function reopeningFence(opener: string, limit: number): string {
  return opener.length + 1 + CLOSING_FENCE.length <= limit / 2 ? opener : FENCE;
}

/** Splits `text` into parts of at most `limit` characters (default: Discord's message limit). Blank text gives no parts. */
export function splitMessage(text: string, options: SplitOptions = {}): string[] {
  const requested = options.limit ?? MESSAGE_CONTENT_MAX;
  const limit = Number.isNaN(requested) ? MESSAGE_CONTENT_MAX : Math.max(SPLIT_LIMIT_MIN, Math.floor(requested));
  const parts: string[] = [];
  const keep = (part: string) => {
    if (part.trim() !== '') parts.push(part);
  };
  let rest = text;
  let fence = CLOSED;
  while (rest.length > 0) {
    const prefix = fence.open ? `${reopeningFence(fence.opener, limit)}\n` : '';
    const room = limit - prefix.length;
    if (rest.length <= room) {
      keep(prefix + rest);
      break;
    }
    let cut = findCut(rest, room);
    let after = scanFences(rest.slice(0, cut.end), fence);
    if (after.open) {
      // Cutting inside a block costs a closing fence; look again with room for it.
      cut = findCut(rest, room - CLOSING_FENCE.length);
      after = scanFences(rest.slice(0, cut.end), fence);
    }
    const tidied = after.open ? tidyCutInBlock(rest, cut, fence) : undefined;
    if (tidied) ({ cut, after } = tidied);
    keep(prefix + rest.slice(0, cut.end) + (after.open ? CLOSING_FENCE : ''));
    rest = rest.slice(cut.next);
    fence = after;
  }
  return parts;
}
