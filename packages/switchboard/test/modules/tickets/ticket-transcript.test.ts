import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { transcriptHtml, transcriptText } from '../../../src/modules/tickets/ticket-transcript.ts';
import { escapeHtml } from '../../../src/util/html-page.ts';
import type { TicketMessageRecord } from '../../../src/storage/ticket-repository.ts';
import { CREATOR, STAFF, ticket } from './ticket-fixtures.ts';

const AT = Date.UTC(2025, 4, 1, 10, 0, 0);

function message(overrides: Partial<TicketMessageRecord>): TicketMessageRecord {
  return { id: 'm', ticketId: 't1', discordMessageId: null, authorId: CREATOR, authorName: 'Ann', content: 'hi', source: 'discord', createdAt: AT, ...overrides };
}

const closed = ticket({ status: 'closed', closedBy: STAFF, closedAt: AT + 60_000, closeReason: 'Fixed', createdAt: AT - 60_000 });

describe('ticket transcript', () => {
  it('lists the facts and every message in order as text', () => {
    const text = transcriptText({
      ticket: closed,
      category: { name: 'Accounts' },
      messages: [message({ id: 'a', content: 'Still broken' }), message({ id: 'b', authorId: STAFF, authorName: 'Sam', content: 'Try now', createdAt: AT + 1000 })],
    });
    assert.equal(
      text,
      [
        'Ticket #12: Cannot log in',
        'Category: Accounts',
        'Priority: normal',
        `Opened by: ${CREATOR} at 2025-05-01T09:59:00.000Z`,
        `Closed by: ${STAFF} at 2025-05-01T10:01:00.000Z`,
        'Reason: Fixed',
        '',
        'It says my password is wrong.',
        '',
        'Messages (2)',
        '',
        `[2025-05-01T10:00:00.000Z] Ann (${CREATOR}):`,
        'Still broken',
        '',
        `[2025-05-01T10:00:01.000Z] Sam (${STAFF}):`,
        'Try now',
        '',
      ].join('\n'),
    );
  });

  it('escapes everything users wrote in the HTML', () => {
    const html = transcriptHtml({
      ticket: { ...closed, title: '<script>alert(1)</script>', description: 'a & b' },
      category: { name: '"Quotes"' },
      messages: [message({ authorName: '<img src=x onerror=alert(1)>', content: "it's <b>bold</b>" })],
    });
    assert.doesNotMatch(html, /<script>|<img|<b>/);
    assert.match(html, /<title>Ticket #12: &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /it&#39;s &lt;b&gt;bold&lt;\/b&gt;/);
    assert.match(html, /a &amp; b/);
    assert.match(html, /&quot;Quotes&quot;/);
    assert.match(html, /^<!doctype html>/);
  });

  it('escapes the five HTML special characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
