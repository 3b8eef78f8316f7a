import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ComponentType, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord-api-types/v10';
import { BUTTON_LABEL_MAX, EMBED_DESCRIPTION_MAX, EMBED_FIELD_VALUE_MAX, EMBED_TITLE_MAX, EMBED_TOTAL_MAX, MESSAGE_CONTENT_MAX } from 'discord-limits';
import { parseCustomId } from '../../../../src/interactions/custom-id.ts';
import { embedLength } from '../../../../src/discord/fit-embed.ts';
import {
  answerFromRoute,
  CANCELLED_COLOR,
  mentionList,
  reminderContent,
  sessionButtons,
  sessionEmbed,
  sessionMessage,
  type SessionView,
} from '../../../../src/modules/attendance/discord/session-message.ts';

const START = new Date('2030-05-04T18:00:00Z');
const END = new Date('2030-05-04T22:00:00Z');

function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(17, '0')}`);
}

function view(overrides: Partial<SessionView> = {}): SessionView {
  return {
    sessionId: 's42',
    title: 'Session 12: The Sunken Temple',
    description: 'Bring your character sheets.',
    startsAt: START,
    endsAt: END,
    timezone: 'Europe/Berlin',
    capacity: 10,
    status: 'scheduled',
    answers: { yes: ['111', '222', '333'], maybe: ['444'], late: [], no: ['555', '666'], waitlist: [] },
    ...overrides,
  };
}

function field(embed: APIEmbed, startsWith: string): { name: string; value: string } {
  const found = embed.fields?.find((f) => f.name.includes(startsWith));
  assert.ok(found, `no field "${startsWith}" in ${JSON.stringify(embed.fields?.map((f) => f.name))}`);
  return found;
}

function buttons(v: SessionView): APIButtonComponentWithCustomId[] {
  const rows = sessionButtons(v);
  return rows.flatMap((row) => row.components) as APIButtonComponentWithCustomId[];
}

describe('sessionEmbed', () => {
  it('shows the start as an absolute and a relative Discord timestamp, the end, and the organiser’s zone', () => {
    const when = field(sessionEmbed(view()), 'When').value;
    const seconds = START.getTime() / 1000;
    assert.ok(when.includes(`<t:${seconds}:F>`), when);
    assert.ok(when.includes(`<t:${seconds}:R>`), when);
    assert.ok(when.includes(`<t:${END.getTime() / 1000}:F>`), when);
    assert.ok(when.includes('Europe/Berlin'), when);
  });

  it('lists each answer as mentions with counts, the yes count against the capacity', () => {
    const embed = sessionEmbed(view());
    const yes = field(embed, 'Yes');
    assert.ok(yes.name.endsWith('Yes (3/10)'), yes.name);
    assert.equal(yes.value, '<@111>\n<@222>\n<@333>');
    assert.ok(field(embed, 'Maybe').name.endsWith('Maybe (1)'));
    assert.equal(field(embed, 'Late').value, '—');
    assert.ok(field(embed, 'Late').name.endsWith('Late (0)'));
    assert.equal(field(embed, 'No').value, '<@555>\n<@666>');
    assert.equal(embed.description, 'Bring your character sheets.');
  });

  it('shows the yes count alone without a capacity, and the waitlist only when somebody waits', () => {
    const open = sessionEmbed(view({ capacity: null }));
    assert.ok(field(open, 'Yes').name.endsWith('Yes (3)'));
    assert.equal(open.fields?.some((f) => f.name.includes('Waitlist')), false);
    const full = sessionEmbed(view({ capacity: 3, answers: { yes: ['1', '2', '3'], maybe: [], late: [], no: [], waitlist: ['7', '8'] } }));
    assert.ok(field(full, 'Yes').name.endsWith('Yes (3/3)'));
    const waitlist = field(full, 'Waitlist');
    assert.ok(waitlist.name.endsWith('Waitlist (2)'));
    assert.equal(waitlist.value, '<@7>\n<@8>');
  });

  it('looks cancelled when the session is cancelled', () => {
    const embed = sessionEmbed(view({ status: 'cancelled' }));
    assert.ok(embed.title?.includes('Cancelled'), embed.title);
    assert.equal(embed.color, CANCELLED_COLOR);
    assert.ok(embed.description?.startsWith('**This session has been cancelled.**'), embed.description);
    assert.notEqual(sessionEmbed(view()).color, CANCELLED_COLOR);
  });

  it('cuts long lists with "and N more" and keeps the whole embed within Discord’s limits', () => {
    const crowded = view({
      title: 'T'.repeat(400),
      description: 'd'.repeat(5000),
      capacity: 500,
      answers: { yes: ids('1', 500), maybe: ids('2', 300), late: ids('3', 200), no: ids('4', 100), waitlist: ids('5', 80) },
    });
    const embed = sessionEmbed(crowded);
    assert.ok(embedLength(embed) <= EMBED_TOTAL_MAX, `${embedLength(embed)}`);
    assert.ok((embed.title ?? '').length <= EMBED_TITLE_MAX);
    assert.ok((embed.description ?? '').length <= EMBED_DESCRIPTION_MAX);
    const yes = field(embed, 'Yes');
    assert.ok(yes.name.endsWith('Yes (500/500)'));
    assert.ok(yes.value.length <= EMBED_FIELD_VALUE_MAX);
    const shown = yes.value.split('\n').filter((line) => line.startsWith('<@')).length;
    assert.ok(shown > 0);
    assert.ok(yes.value.endsWith(`and ${500 - shown} more`), yes.value.slice(-30));
    for (const f of embed.fields ?? []) assert.ok(f.value.length <= EMBED_FIELD_VALUE_MAX, f.name);
  });
});

describe('mentionList', () => {
  it('keeps everyone when they fit, and a dash for nobody', () => {
    assert.equal(mentionList(['1', '2'], 100), '<@1>\n<@2>');
    assert.equal(mentionList([], 100), '—');
  });

  it('counts exactly who was left out and never exceeds the room', () => {
    const people = ids('9', 50);
    for (const max of [30, 64, 200, 1024]) {
      const text = mentionList(people, max);
      assert.ok(text.length <= max, `${max}: ${text.length}`);
      const shown = text.split('\n').filter((line) => line.startsWith('<@')).length;
      assert.ok(text.endsWith(`and ${50 - shown} more`), `${max}: ${text}`);
    }
  });
});

describe('sessionButtons', () => {
  it('offers the four answers with their custom_ids, which the router can read back', () => {
    const all = buttons(view());
    assert.deepEqual(
      all.map((b) => b.label),
      ['Yes, I can attend', 'Maybe', 'Late', 'No'],
    );
    assert.deepEqual(
      all.map((b) => b.custom_id),
      ['attendance:answer:s42:yes', 'attendance:answer:s42:maybe', 'attendance:answer:s42:late', 'attendance:answer:s42:no'],
    );
    assert.ok(all.every((b) => b.type === ComponentType.Button && b.disabled === false));
    const parsed = parseCustomId('attendance:answer:s42:late');
    assert.ok(parsed.ok);
    assert.deepEqual(answerFromRoute(parsed), { sessionId: 's42', answer: 'late' });
    assert.equal(answerFromRoute({ owner: 'attendance', action: 'answer', args: ['s42', 'perhaps'] }), null);
    assert.equal(answerFromRoute({ owner: 'tickets', action: 'answer', args: ['s42', 'yes'] }), null);
  });

  it('takes overridden labels, keeps the default for blank ones, and cuts long ones', () => {
    const all = buttons(view({ labels: { yes: 'Count me in', maybe: '   ', late: 'L'.repeat(200) } }));
    assert.equal(all[0]?.label, 'Count me in');
    assert.equal(all[1]?.label, 'Maybe');
    assert.equal(all[2]?.label?.length, BUTTON_LABEL_MAX);
    assert.equal(all[3]?.label, 'No');
  });

  it('disables every button when the session is cancelled', () => {
    assert.ok(buttons(view({ status: 'cancelled' })).every((b) => b.disabled === true));
  });

  it('refuses a session id the custom_id could not carry', () => {
    assert.throws(() => sessionMessage(view({ sessionId: 'a:b' })), /contains ":"/);
  });
});

describe('sessionMessage and reminderContent', () => {
  it('pings nobody with the session message', () => {
    assert.deepEqual(sessionMessage(view()).allowed_mentions, { parse: [] });
  });

  it('names the session, when it starts, and links to its message, within the content limit', () => {
    const text = reminderContent({ title: 'Session 12', startsAt: START, message: { guildId: 'g1', channelId: 'c1', messageId: 'm1' } });
    assert.ok(text.includes('**Session 12**'));
    assert.ok(text.includes(`<t:${START.getTime() / 1000}:R>`));
    assert.ok(text.endsWith('https://discord.com/channels/g1/c1/m1'));
    assert.ok(reminderContent({ title: 'x'.repeat(5000), startsAt: START }).length <= MESSAGE_CONTENT_MAX);
  });
});
