/**
 * Reading the few elements Switchboard needs from a YouTube WebSub Atom notification.
 *
 * Not a general XML parser: it scans for `<entry>` and `<at:deleted-entry>` blocks and the
 * `yt:videoId`, `yt:channelId`, `title`, `published` and `updated` elements inside them. A
 * document with a DOCTYPE (and so any entity declaration) is refused outright; only the five
 * predefined entities and numeric character references are decoded. Scanning is linear.
 */

export const MAX_ATOM_BYTES = 1024 * 1024;

export type YouTubeFeedItem =
  | {
      readonly kind: 'video';
      readonly videoId: string;
      readonly channelId: string;
      readonly title: string | undefined;
      readonly published: string | undefined;
      readonly updated: string | undefined;
    }
  | { readonly kind: 'deleted'; readonly videoId: string; readonly channelId: string | undefined };

export type AtomParseResult =
  | { readonly ok: true; readonly items: readonly YouTubeFeedItem[] }
  | { readonly ok: false; readonly reason: 'too_large' | 'doctype_refused' | 'not_a_feed' | 'bad_entry' };

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;

export function parseYouTubeAtom(xml: string): AtomParseResult {
  if (xml.length > MAX_ATOM_BYTES) return { ok: false, reason: 'too_large' };
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { ok: false, reason: 'doctype_refused' };
  if (!/<feed[\s>]/.test(xml)) return { ok: false, reason: 'not_a_feed' };

  const items: YouTubeFeedItem[] = [];
  for (const block of blocks(xml, 'entry')) {
    const videoId = elementText(block.inner, 'yt:videoId');
    const channelId = elementText(block.inner, 'yt:channelId');
    if (videoId === undefined || channelId === undefined || !VIDEO_ID.test(videoId) || !CHANNEL_ID.test(channelId)) {
      return { ok: false, reason: 'bad_entry' };
    }
    items.push({
      kind: 'video',
      videoId,
      channelId,
      title: elementText(block.inner, 'title'),
      published: elementText(block.inner, 'published'),
      updated: elementText(block.inner, 'updated'),
    });
  }
  for (const block of blocks(xml, 'at:deleted-entry')) {
    const ref = /\sref\s*=\s*"([^"]*)"/.exec(block.open)?.[1];
    const videoId = ref === undefined ? undefined : decodeText(ref).replace(/^yt:video:/, '');
    if (videoId === undefined || !VIDEO_ID.test(videoId)) return { ok: false, reason: 'bad_entry' };
    const uri = elementText(block.inner, 'uri');
    const channelId = uri === undefined ? undefined : /\/channel\/(UC[A-Za-z0-9_-]{22})$/.exec(uri)?.[1];
    items.push({ kind: 'deleted', videoId, channelId });
  }
  return { ok: true, items };
}

type Block = { readonly open: string; readonly inner: string };

/** Every `<name …>…</name>` block, in order, found with indexOf (no backtracking). */
function blocks(xml: string, name: string): Block[] {
  const found: Block[] = [];
  const openTag = `<${name}`;
  const closeTag = `</${name}>`;
  let from = 0;
  for (;;) {
    const start = xml.indexOf(openTag, from);
    if (start < 0) return found;
    const after = xml[start + openTag.length];
    if (after !== '>' && after !== ' ' && after !== '\t' && after !== '\n' && after !== '\r') {
      from = start + openTag.length;
      continue;
    }
    const openEnd = xml.indexOf('>', start);
    if (openEnd < 0) return found;
    const open = xml.slice(start, openEnd + 1);
    if (open.endsWith('/>')) {
      found.push({ open, inner: '' });
      from = openEnd + 1;
      continue;
    }
    const close = xml.indexOf(closeTag, openEnd + 1);
    if (close < 0) return found;
    found.push({ open, inner: xml.slice(openEnd + 1, close) });
    from = close + closeTag.length;
  }
}

/** The decoded, trimmed text of the first `<name>` element directly holding text, if any. */
function elementText(xml: string, name: string): string | undefined {
  const block = blocks(xml, name)[0];
  if (block === undefined) return undefined;
  if (block.inner.includes('<')) return undefined;
  return decodeText(block.inner).trim();
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}
