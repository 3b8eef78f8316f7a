import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MESSAGE_CONTENT_MAX } from 'discord-limits';
import { splitMessage, SPLIT_LIMIT_MIN } from '../../src/discord/split-message.ts';

/** A small seeded PRNG (mulberry32), so that a failing random case can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fenceRuns(text: string): number {
  return [...text.matchAll(/`{3,}/g)].length;
}

const ADDED_OPENER = /^```[\w+#.-]*\n/;
const ADDED_CLOSER = '\n```';

/** The ways a part may appear in the text: as it is, or less a fence the splitter added at either end. */
function sources(part: string, index: number): string[] {
  const found = [part];
  const withoutOpener = part.replace(ADDED_OPENER, '');
  if (index > 0 && withoutOpener !== part) found.push(withoutOpener);
  for (const variant of [...found]) if (variant.endsWith(ADDED_CLOSER)) found.push(variant.slice(0, -ADDED_CLOSER.length));
  return found;
}

/**
 * Walks the parts through the original text: each part, less the fences the splitter may have added, must
 * continue the text where the previous one stopped, with only whitespace skipped in between. Searches every
 * reading, since an added fence can look exactly like one in the text.
 */
function reassembles(text: string, parts: string[], index = 0, cursor = 0): boolean {
  if (index === parts.length) return /^\s*$/.test(text.slice(cursor));
  const gap = /^\s*/.exec(text.slice(cursor))?.[0].length ?? 0;
  for (const source of sources(parts[index] ?? '', index)) {
    for (let at = cursor; at <= cursor + gap; at += 1) {
      if (text.startsWith(source, at) && reassembles(text, parts, index + 1, at + source.length)) return true;
    }
  }
  return false;
}

function assertWellFormed(text: string, parts: string[], limit: number, label: string): void {
  for (const [index, part] of parts.entries()) {
    assert.ok(part.length <= limit, `${label}: part ${index} has ${part.length} > ${limit} characters`);
    assert.ok(part.trim().length > 0, `${label}: part ${index} is blank`);
    assert.doesNotMatch(part, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, `${label}: split surrogate pair`);
    if (index < parts.length - 1) assert.equal(fenceRuns(part) % 2, 0, `${label}: part ${index} leaves a code block open`);
  }
  if (parts.length > 0) {
    assert.equal(fenceRuns(parts.at(-1) ?? '') % 2, fenceRuns(text) % 2, `${label}: the last part changes whether the text ends in a block`);
  }
  assert.ok(reassembles(text, parts), `${label}: the parts do not reassemble into the text`);
}

describe('splitMessage', () => {
  it('returns short text as it is, and nothing for blank text', () => {
    assert.deepEqual(splitMessage('hello'), ['hello']);
    assert.deepEqual(splitMessage(''), []);
    assert.deepEqual(splitMessage(' \n\t '), []);
    const exact = 'x'.repeat(MESSAGE_CONTENT_MAX);
    assert.deepEqual(splitMessage(exact), [exact]);
  });

  it('splits on line boundaries first, dropping the line break it splits at', () => {
    const line = (c: string) => c.repeat(900);
    const parts = splitMessage([line('a'), line('b'), line('c')].join('\n'));
    assert.deepEqual(parts, [`${line('a')}\n${line('b')}`, line('c')]);
  });

  it('uses a line break right after a full-length part', () => {
    assert.deepEqual(splitMessage(`${'a'.repeat(20)}\n${'b'.repeat(5)}`, { limit: 20 }), ['a'.repeat(20), 'b'.repeat(5)]);
  });

  it('falls back to word boundaries inside a long line', () => {
    const words = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    const parts = splitMessage(words);
    assert.ok(parts.length > 1);
    for (const part of parts) {
      assert.ok(part.length <= MESSAGE_CONTENT_MAX);
      assert.match(part, /^word\d+( word\d+)*$/, 'no word is cut');
    }
    assert.equal(parts.join(' '), words);
  });

  it('cuts hard only when one word is longer than a part, never inside a surrogate pair', () => {
    assert.deepEqual(splitMessage('x'.repeat(2_001)), ['x'.repeat(2_000), 'x']);
    const emoji = '😀'.repeat(15);
    const parts = splitMessage(emoji, { limit: 17 });
    assert.deepEqual(parts, ['😀'.repeat(8), '😀'.repeat(7)]);
  });

  it('closes a code block at a split and reopens it with its language', () => {
    const body = Array.from({ length: 400 }, (_, i) => `const value${i} = ${i};`).join('\n');
    const text = `Here is the file:\n\`\`\`ts\n${body}\n\`\`\`\nThat is all.`;
    const parts = splitMessage(text);
    assert.ok(parts.length >= 4);
    for (const [index, part] of parts.entries()) {
      assert.ok(part.length <= MESSAGE_CONTENT_MAX);
      if (index > 0 && index < parts.length - 1) {
        assert.ok(part.startsWith('```ts\n'), `part ${index} reopens the block`);
        assert.ok(part.endsWith('\n```'), `part ${index} closes the block`);
      }
    }
    assert.ok(parts[0]?.endsWith('\n```'));
    assert.ok(parts.at(-1)?.endsWith('```\nThat is all.'));
    assertWellFormed(text, parts, MESSAGE_CONTENT_MAX, 'code block');
  });

  it('ends a part before a block opens rather than leaving an empty block behind', () => {
    const text = `${'a'.repeat(10)}\n\`\`\`py\n${'print(1)\n'.repeat(4)}\`\`\``;
    const parts = splitMessage(text, { limit: 20 });
    assert.equal(parts[0], 'a'.repeat(10));
    assert.equal(parts[1], '```py\nprint(1)\n```');
    assertWellFormed(text, parts, 20, 'before a block');
  });

  it('keeps every part within the limit including the fences it adds, for small limits too', () => {
    const text = `\`\`\`javascript\n${'x'.repeat(100)}\n\`\`\``;
    for (let limit = SPLIT_LIMIT_MIN; limit <= 40; limit += 1) assertWellFormed(text, splitMessage(text, { limit }), limit, `limit ${limit}`);
  });

  it('raises a limit below the minimum instead of looping forever', () => {
    const parts = splitMessage('abcdefghij'.repeat(5), { limit: 1 });
    assert.deepEqual(parts.map((part) => part.length), [16, 16, 16, 2]);
  });

  it('holds its promises on random text (seeded)', () => {
    const tokens = ['word', 'a', 'longerword', ' ', ' ', '\n', '\n\n', '\t', '```ts\n', '```\n', '\n```\n', '😀', 'é', '`', '``'];
    for (let seed = 1; seed <= 3000; seed += 1) {
      const random = seeded(seed);
      const limit = [SPLIT_LIMIT_MIN, 23, 50, 200, MESSAGE_CONTENT_MAX][Math.floor(random() * 5)] ?? MESSAGE_CONTENT_MAX;
      let text = '';
      const length = Math.floor(random() * (limit * 4));
      while (text.length < length) {
        text += random() < 0.05 ? 'z'.repeat(Math.floor(random() * limit * 1.5)) : tokens[Math.floor(random() * tokens.length)];
      }
      assertWellFormed(text, splitMessage(text, { limit }), limit, `seed ${seed}, limit ${limit}`);
    }
  });
});
