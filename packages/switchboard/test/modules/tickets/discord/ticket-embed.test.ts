import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import {
  ACTION_ROWS_MAX,
  BUTTONS_PER_ROW_MAX,
  CUSTOM_ID_MAX,
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_TITLE_MAX,
  EMBED_TOTAL_MAX,
} from 'discord-limits';
import { parseCustomId } from '../../../../src/interactions/custom-id.ts';
import { DEFAULT_COLOR, URGENT_COLOR, ticketMessage, type TicketEmbedInput } from '../../../../src/modules/tickets/discord/ticket-embed.ts';

const created = new Date('2025-11-19T12:34:56.789Z');
const input = (overrides: Partial<TicketEmbedInput> = {}): TicketEmbedInput => ({
  ticketId: 't_01',
  number: 123,
  title: 'Cannot log in',
  description: 'The login page spins forever.',
  creatorId: '111111111111111111',
  status: 'open',
  priority: 'normal',
  category: { name: 'General Support', emoji: '💬' },
  createdAt: created,
  dashboardUrl: 'https://hub.example/tickets/t_01',
  ...overrides,
});

function embedLength(embed: APIEmbed): number {
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

describe('ticketMessage', () => {
  it('shows the ticket as the seed did: creator, status, priority, category, creation time, footer', () => {
    const { embed } = ticketMessage(input());
    assert.equal(embed.title, '🎫 Ticket #123');
    assert.equal(embed.description, '**Cannot log in**\n\nThe login page spins forever.');
    assert.deepEqual(embed.fields, [
      { name: 'Created By', value: '<@111111111111111111>', inline: true },
      { name: 'Status', value: '✅ Open', inline: true },
      { name: 'Priority', value: '🟢 Normal', inline: true },
      { name: 'Category', value: '💬 General Support', inline: true },
      { name: 'Created', value: `<t:${Math.floor(created.getTime() / 1000)}:F>`, inline: true },
    ]);
    assert.equal(embed.color, DEFAULT_COLOR);
    assert.equal(embed.color, 0x5865f2);
    assert.equal(embed.footer?.text, 'Support Team • Reply in this thread for assistance');
    assert.equal(embed.timestamp, created.toISOString());
  });

  it('is red for urgent tickets and blurple for every other priority', () => {
    assert.equal(ticketMessage(input({ priority: 'urgent' })).embed.color, URGENT_COLOR);
    for (const priority of ['low', 'normal', 'high'] as const) assert.equal(ticketMessage(input({ priority })).embed.color, DEFAULT_COLOR);
    assert.equal(ticketMessage(input({ priority: 'urgent' })).embed.fields?.[2]?.value, '🔴 Urgent');
  });

  it('uses 🎫 when the category has no emoji, and the title alone when there is no description', () => {
    const { embed } = ticketMessage(input({ category: { name: 'Billing' }, description: '  ' }));
    assert.equal(embed.fields?.[3]?.value, '🎫 Billing');
    assert.equal(embed.description, '**Cannot log in**');
  });

  it('has the five staff buttons with tickets:<action>:<ticketId> ids and the dashboard link', () => {
    const { components } = ticketMessage(input());
    const buttons = components.flatMap((row) => row.components) as APIButtonComponent[];
    const labels = buttons.map((b) => ('label' in b ? b.label : undefined));
    assert.deepEqual(labels, ['Assign to Me', 'Close Ticket', 'Mark Pending', 'Ban User', 'Warn User', 'View Dashboard']);
    const ids = buttons.filter((b) => b.style !== ButtonStyle.Link).map((b) => ('custom_id' in b ? b.custom_id : ''));
    assert.deepEqual(ids, ['tickets:assign:t_01', 'tickets:close:t_01', 'tickets:pending:t_01', 'tickets:ban:t_01', 'tickets:warn:t_01']);
    for (const id of ids) {
      const parsed = parseCustomId(id);
      assert.ok(parsed.ok && parsed.owner === 'tickets' && parsed.args[0] === 't_01');
    }
    const link = buttons.at(-1);
    assert.ok(link && link.style === ButtonStyle.Link && 'url' in link);
    assert.equal(link.url, 'https://hub.example/tickets/t_01');
  });

  it('stays within the component limits', () => {
    const { components } = ticketMessage(input());
    assert.ok(components.length <= ACTION_ROWS_MAX);
    for (const row of components) {
      assert.equal(row.type, ComponentType.ActionRow);
      assert.ok(row.components.length <= BUTTONS_PER_ROW_MAX);
    }
  });

  it('refuses a ticket id that would make a custom_id too long', () => {
    assert.throws(() => ticketMessage(input({ ticketId: 'x'.repeat(CUSTOM_ID_MAX) })), /custom_id/);
  });

  it('cuts oversized texts to the embed limits', () => {
    const { embed } = ticketMessage(input({ title: 'T'.repeat(1000), description: 'D'.repeat(10_000), category: { name: 'C'.repeat(2000) } }));
    assert.ok((embed.title?.length ?? 0) <= EMBED_TITLE_MAX);
    assert.ok((embed.description?.length ?? 0) <= EMBED_DESCRIPTION_MAX);
    assert.ok((embed.fields?.length ?? 0) <= EMBED_FIELDS_MAX);
    for (const field of embed.fields ?? []) assert.ok(field.value.length <= EMBED_FIELD_VALUE_MAX);
    assert.ok(embedLength(embed) <= EMBED_TOTAL_MAX, `total ${embedLength(embed)}`);
    assert.ok(embed.description?.endsWith('…'));
  });
});
