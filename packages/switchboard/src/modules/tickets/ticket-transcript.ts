/**
 * A closed ticket's transcript, as plain text and as a self-contained HTML page. Everything a user wrote is
 * escaped in the HTML, so that a message containing markup shows as text and runs nothing when the file is
 * opened. Times are UTC, in ISO 8601, so that transcripts read the same wherever they are opened.
 */
import type { TicketCategoryRecord } from '../../storage/ticket-category-repository.ts';
import type { TicketMessageRecord, TicketRecord } from '../../storage/ticket-repository.ts';
import { escapeHtml } from '../../util/html-page.ts';

export type TranscriptInput = {
  ticket: TicketRecord;
  category: Pick<TicketCategoryRecord, 'name'> | null;
  messages: readonly TicketMessageRecord[];
};

const time = (ms: number) => new Date(ms).toISOString();

/** The facts at the head of both forms, as label and value. */
function headerLines({ ticket, category }: TranscriptInput): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ['Category', category?.name ?? 'none'],
    ['Priority', ticket.priority],
    ['Opened by', `${ticket.creatorId} at ${time(ticket.createdAt)}`],
  ];
  if (ticket.assigneeId !== null) lines.push(['Assigned to', ticket.assigneeId]);
  if (ticket.closedAt !== null) lines.push(['Closed by', `${ticket.closedBy ?? 'unknown'} at ${time(ticket.closedAt)}`]);
  if (ticket.closeReason !== null) lines.push(['Reason', ticket.closeReason]);
  return lines;
}

export function transcriptText(input: TranscriptInput): string {
  const { ticket, messages } = input;
  const out = [`Ticket #${ticket.number}: ${ticket.title}`];
  for (const [label, value] of headerLines(input)) out.push(`${label}: ${value}`);
  out.push('', ticket.description, '', `Messages (${messages.length})`);
  for (const message of messages) {
    out.push('', `[${time(message.createdAt)}] ${message.authorName} (${message.authorId}):`, message.content);
  }
  return `${out.join('\n')}\n`;
}

export function transcriptHtml(input: TranscriptInput): string {
  const { ticket, messages } = input;
  const title = escapeHtml(`Ticket #${ticket.number}: ${ticket.title}`);
  const facts = headerLines(input)
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('\n');
  const items = messages
    .map(
      (m) =>
        `<li><p class="meta"><strong>${escapeHtml(m.authorName)}</strong> <span>${escapeHtml(m.authorId)}</span> <time datetime="${time(m.createdAt)}">${time(m.createdAt)}</time></p>` +
        `<p class="content">${escapeHtml(m.content)}</p></li>`,
    )
    .join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${title}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}dt{font-weight:bold}' +
      'ol{list-style:none;padding:0}li{border-top:1px solid #ddd;padding:.5rem 0}.meta span{color:#666}.content{white-space:pre-wrap}</style>',
    '</head>',
    '<body>',
    `<h1>${title}</h1>`,
    `<dl>\n${facts}\n</dl>`,
    `<p class="content">${escapeHtml(ticket.description)}</p>`,
    `<h2>Messages (${messages.length})</h2>`,
    `<ol>\n${items}\n</ol>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
