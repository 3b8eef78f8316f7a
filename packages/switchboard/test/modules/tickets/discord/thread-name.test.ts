import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { THREAD_NAME_MAX } from 'discord-limits';
import { cutText } from '../../../../src/discord/cut-text.ts';
import { ticketThreadName } from '../../../../src/modules/tickets/discord/thread-name.ts';

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('ticketThreadName', () => {
  it('names the thread after the ticket number and title', () => {
    assert.equal(ticketThreadName(123, 'Cannot log in'), '🎫 Ticket #123: Cannot log in');
  });

  it('puts the title on one line and leaves the colon out when there is no title', () => {
    assert.equal(ticketThreadName(7, '  Line one\n\nline\ttwo  '), '🎫 Ticket #7: Line one line two');
    assert.equal(ticketThreadName(7, ' \n '), '🎫 Ticket #7');
  });

  it('cuts long titles to the limit with an ellipsis', () => {
    const name = ticketThreadName(42, 'x'.repeat(300));
    assert.equal(name.length, THREAD_NAME_MAX);
    assert.ok(name.startsWith('🎫 Ticket #42: xxx'));
    assert.ok(name.endsWith('…'));
  });

  it('never splits a surrogate pair, wherever the cut falls', () => {
    for (let pad = 0; pad < 4; pad += 1) {
      const name = ticketThreadName(1, `${'a'.repeat(pad)}${'😀'.repeat(80)}`);
      assert.ok(name.length <= THREAD_NAME_MAX, `pad ${pad}: ${name.length}`);
      assert.equal(hasLoneSurrogate(name), false, `pad ${pad}`);
    }
  });

  it('keeps a title that fits exactly', () => {
    const prefix = '🎫 Ticket #5: ';
    const title = 'y'.repeat(THREAD_NAME_MAX - prefix.length);
    assert.equal(ticketThreadName(5, title), prefix + title);
  });
});

describe('cutText', () => {
  it('leaves short text alone and cuts long text with "…"', () => {
    assert.equal(cutText('abc', 3), 'abc');
    assert.equal(cutText('abcd', 3), 'ab…');
    assert.equal(cutText('abcd', 0), '');
  });

  it('drops the whole pair when the cut would fall inside it', () => {
    assert.equal(cutText('ab😀cd', 4), 'ab…');
  });
});
