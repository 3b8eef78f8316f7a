import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHANNEL_NAME_MAX, CHANNELS_PER_CATEGORY_MAX, CHANNELS_PER_GUILD_MAX } from 'discord-limits';
import {
  ACTIVE_TICKETS_CATEGORY,
  TICKET_ARCHIVE_CATEGORY,
  ARCHIVE_LOG_CHANNEL,
  categoryNumber,
  layoutChannel,
  planArchiveLog,
  planTicketChannel,
  ticketChannelName,
  type LayoutChannel,
} from '../../../../src/modules/tickets/discord/ticket-layout.ts';

let nextId = 1;
const id = (): string => String(nextId++);
const category = (name: string): LayoutChannel => ({ id: id(), name, type: 'category', parentId: null });
const text = (name: string, parent: LayoutChannel | null): LayoutChannel => ({ id: id(), name, type: 'text', parentId: parent?.id ?? null });
const filler = (count: number, parent: LayoutChannel | null, type: LayoutChannel['type'] = 'text'): LayoutChannel[] =>
  Array.from({ length: count }, (_, i) => ({ id: id(), name: `filler-${i}`, type, parentId: parent?.id ?? null }));

describe('ticketChannelName', () => {
  it('turns a configured name into the name Discord gives a text channel', () => {
    assert.equal(ticketChannelName('General Support'), 'general-support');
    assert.equal(ticketChannelName('#bug-reports'), 'bug-reports');
    assert.equal(ticketChannelName('  Billing   &  Refunds '), 'billing-&-refunds');
    assert.equal(ticketChannelName('--x--'), 'x');
  });

  it('falls back to "tickets" for an empty name and keeps long names within the limit', () => {
    assert.equal(ticketChannelName('   '), 'tickets');
    assert.equal(ticketChannelName('#'), 'tickets');
    assert.equal(ticketChannelName('a'.repeat(CHANNEL_NAME_MAX + 20)).length, CHANNEL_NAME_MAX);
    const emoji = ticketChannelName(`${'a'.repeat(CHANNEL_NAME_MAX - 1)}🎫`);
    assert.equal(emoji, 'a'.repeat(CHANNEL_NAME_MAX - 1), 'a surrogate pair that does not fit is left out whole');
  });
});

describe('categoryNumber', () => {
  it('numbers the family: the base is 1, then "base 2", "base 3" …', () => {
    assert.equal(categoryNumber(ACTIVE_TICKETS_CATEGORY, ACTIVE_TICKETS_CATEGORY), 1);
    assert.equal(categoryNumber(`${ACTIVE_TICKETS_CATEGORY} 2`, ACTIVE_TICKETS_CATEGORY), 2);
    assert.equal(categoryNumber(`${ACTIVE_TICKETS_CATEGORY} 17`, ACTIVE_TICKETS_CATEGORY), 17);
  });

  it('does not count look-alikes', () => {
    for (const name of [`${ACTIVE_TICKETS_CATEGORY} 1`, `${ACTIVE_TICKETS_CATEGORY} 02`, `${ACTIVE_TICKETS_CATEGORY}2`, `${ACTIVE_TICKETS_CATEGORY} two`, 'Active Tickets', 'Support']) {
      assert.equal(categoryNumber(name, ACTIVE_TICKETS_CATEGORY), null, name);
    }
  });
});

describe('planTicketChannel', () => {
  it('creates the category and the channel in an empty guild', () => {
    const plan = planTicketChannel([], 'General Support');
    assert.deepEqual(plan, { ok: true, placement: { kind: 'create-category-and-channel', categoryName: ACTIVE_TICKETS_CATEGORY, channelName: 'general-support' } });
  });

  it('reuses the channel when it exists in a ticket category, whatever its case', () => {
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const channel = text('bug-reports', active);
    const plan = planTicketChannel([active, channel, text('general', null)], 'Bug Reports');
    assert.deepEqual(plan, { ok: true, placement: { kind: 'reuse', channelId: channel.id, channelName: 'bug-reports', categoryId: active.id } });
  });

  it('finds the channel in an overflow category too', () => {
    const first = category(ACTIVE_TICKETS_CATEGORY);
    const second = category(`${ACTIVE_TICKETS_CATEGORY} 2`);
    const channel = text('billing', second);
    const plan = planTicketChannel([first, ...filler(CHANNELS_PER_CATEGORY_MAX, first), second, channel], 'billing');
    assert.ok(plan.ok && plan.placement.kind === 'reuse' && plan.placement.channelId === channel.id);
  });

  it('ignores a channel of the same name outside the ticket categories, and a voice channel of that name', () => {
    const other = category('Community');
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const voice: LayoutChannel = { id: id(), name: 'billing', type: 'other', parentId: active.id };
    const plan = planTicketChannel([other, text('billing', other), text('billing', null), active, voice], 'billing');
    assert.deepEqual(plan, { ok: true, placement: { kind: 'create-channel', channelName: 'billing', categoryId: active.id } });
  });

  it('creates the channel in the existing category while it has room', () => {
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const plan = planTicketChannel([active, ...filler(CHANNELS_PER_CATEGORY_MAX - 1, active)], 'billing');
    assert.deepEqual(plan, { ok: true, placement: { kind: 'create-channel', channelName: 'billing', categoryId: active.id } });
  });

  it('opens "🎫 Active Tickets 2" when the first category holds the maximum, counting children of every type', () => {
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const children = [...filler(CHANNELS_PER_CATEGORY_MAX - 1, active), ...filler(1, active, 'other')];
    const plan = planTicketChannel([active, ...children], 'billing');
    assert.deepEqual(plan, { ok: true, placement: { kind: 'create-category-and-channel', categoryName: `${ACTIVE_TICKETS_CATEGORY} 2`, channelName: 'billing' } });
  });

  it('uses the first overflow category with room, and the lowest free number for a new one', () => {
    const first = category(ACTIVE_TICKETS_CATEGORY);
    const third = category(`${ACTIVE_TICKETS_CATEGORY} 3`);
    const second = category(`${ACTIVE_TICKETS_CATEGORY} 2`);
    const full = [first, ...filler(CHANNELS_PER_CATEGORY_MAX, first), third, ...filler(CHANNELS_PER_CATEGORY_MAX, third)];
    assert.deepEqual(planTicketChannel(full, 'x'), { ok: true, placement: { kind: 'create-category-and-channel', categoryName: `${ACTIVE_TICKETS_CATEGORY} 2`, channelName: 'x' } });
    const withSecond = [...full, second, ...filler(3, second)];
    assert.deepEqual(planTicketChannel(withSecond, 'x'), { ok: true, placement: { kind: 'create-channel', channelName: 'x', categoryId: second.id } });
  });

  it('recreates the base category when only an overflow category is left', () => {
    const second = category(`${ACTIVE_TICKETS_CATEGORY} 2`);
    const plan = planTicketChannel([second, ...filler(CHANNELS_PER_CATEGORY_MAX, second)], 'x');
    assert.ok(plan.ok && plan.placement.kind === 'create-category-and-channel' && plan.placement.categoryName === ACTIVE_TICKETS_CATEGORY);
  });

  it('refuses clearly when the guild has no room for the channel', () => {
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const channels = [active, ...filler(10, active), ...filler(CHANNELS_PER_GUILD_MAX - 11, null)];
    assert.equal(channels.length, CHANNELS_PER_GUILD_MAX);
    const plan = planTicketChannel(channels, 'Bug Reports');
    assert.equal(plan.ok, false);
    assert.ok(!plan.ok);
    assert.equal(plan.reason, 'guild-channel-limit');
    assert.match(plan.message, new RegExp(`${CHANNELS_PER_GUILD_MAX} channels.*can't create #bug-reports;`));
  });

  it('still reuses an existing channel when the guild is full', () => {
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const channel = text('billing', active);
    const channels = [active, channel, ...filler(CHANNELS_PER_GUILD_MAX - 2, null)];
    const plan = planTicketChannel(channels, 'billing');
    assert.ok(plan.ok && plan.placement.kind === 'reuse');
  });

  it('refuses when one slot is left but a category and a channel are needed', () => {
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const channels = [active, ...filler(CHANNELS_PER_CATEGORY_MAX, active), ...filler(CHANNELS_PER_GUILD_MAX - CHANNELS_PER_CATEGORY_MAX - 2, null)];
    assert.equal(channels.length, CHANNELS_PER_GUILD_MAX - 1);
    const plan = planTicketChannel(channels, 'billing');
    assert.ok(!plan.ok);
    assert.match(plan.message, /#billing and a category for it/);
    const roomForTwo = channels.slice(0, -1);
    assert.ok(planTicketChannel(roomForTwo, 'billing').ok, 'with two free slots the category and channel fit');
  });
});

describe('planArchiveLog', () => {
  it('creates the archive category and its log channel, then reuses them', () => {
    assert.deepEqual(planArchiveLog([]), {
      ok: true,
      placement: { kind: 'create-category-and-channel', categoryName: TICKET_ARCHIVE_CATEGORY, channelName: ARCHIVE_LOG_CHANNEL },
    });
    const archive = category(TICKET_ARCHIVE_CATEGORY);
    assert.deepEqual(planArchiveLog([archive]), { ok: true, placement: { kind: 'create-channel', channelName: ARCHIVE_LOG_CHANNEL, categoryId: archive.id } });
    const log = text(ARCHIVE_LOG_CHANNEL, archive);
    assert.deepEqual(planArchiveLog([archive, log]), { ok: true, placement: { kind: 'reuse', channelId: log.id, channelName: ARCHIVE_LOG_CHANNEL, categoryId: archive.id } });
  });

  it('does not mistake a ticket category for the archive', () => {
    const active = category(ACTIVE_TICKETS_CATEGORY);
    const plan = planArchiveLog([active, text(ARCHIVE_LOG_CHANNEL, active)]);
    assert.ok(plan.ok && plan.placement.kind === 'create-category-and-channel');
  });
});

describe('layoutChannel', () => {
  it('reads categories, text channels and everything else from Discord channel types', () => {
    assert.deepEqual(layoutChannel({ id: '1', name: 'Cat', type: 4 }), { id: '1', name: 'Cat', type: 'category', parentId: null });
    assert.deepEqual(layoutChannel({ id: '2', name: 'chat', type: 0, parent_id: '1' }), { id: '2', name: 'chat', type: 'text', parentId: '1' });
    assert.equal(layoutChannel({ id: '3', name: 'Voice', type: 2 }).type, 'other');
    assert.equal(layoutChannel({ id: '4', name: 'News', type: 5 }).type, 'other');
  });
});
