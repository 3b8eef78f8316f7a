/**
 * The message of an attendance session: an embed with the title, the description, when it starts and ends
 * (Discord timestamps, shown in each reader's own time zone, plus the organiser's zone), who answered what
 * with counts (`Yes (3/10)` when the session has a capacity), the waitlist, and the answer buttons
 * (Yes, I can attend / Maybe / Late / No). Button custom_ids are `attendance:answer:<sessionId>:<answer>`.
 * A cancelled session looks cancelled and its buttons are disabled.
 *
 * Every text is cut to Discord's limits: a list that does not fit ends with "and N more", and the embed as a
 * whole stays within the embed total (the description gives way first, then the lists).
 *
 * Pure: no Discord calls, no clock.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
} from 'discord-api-types/v10';
import {
  ACTION_ROWS_MAX,
  BUTTON_LABEL_MAX,
  BUTTONS_PER_ROW_MAX,
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_TEXT_MAX,
  EMBED_TITLE_MAX,
  EMBED_TOTAL_MAX,
  MESSAGE_CONTENT_MAX,
} from 'discord-limits';
import { buildCustomId, type CustomIdRoute } from '../../../interactions/custom-id.ts';
import { embedLength } from '../../../discord/fit-embed.ts';
import { cutText } from '../../../discord/cut-text.ts';

export const ATTENDANCE_OWNER = 'attendance';
export const ANSWER_ACTION = 'answer';

/** The answers, in the order of the buttons and the lists. */
export const ATTENDANCE_ANSWERS = ['yes', 'maybe', 'late', 'no'] as const;
export type AttendanceAnswer = (typeof ATTENDANCE_ANSWERS)[number];

export type AnswerLabels = Record<AttendanceAnswer, string>;

export const DEFAULT_ANSWER_LABELS: AnswerLabels = { yes: 'Yes, I can attend', maybe: 'Maybe', late: 'Late', no: 'No' };

export type SessionView = {
  sessionId: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** The organiser's IANA time zone, e.g. "Europe/Berlin"; shown as a hint, the timestamps localise themselves. */
  timezone: string;
  /** Places for "yes"; null when there is no limit. */
  capacity: number | null;
  status: 'scheduled' | 'cancelled';
  /** User ids per answer, in the order they answered. */
  answers: { yes: string[]; maybe: string[]; late: string[]; no: string[]; waitlist: string[] };
  /** Button labels; any left out (or blank) keep the default. */
  labels?: Partial<AnswerLabels>;
};

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/** A message body usable for both create and edit. Mentions inside embeds never ping; `allowed_mentions` makes sure. */
export type SessionMessage = { embeds: [APIEmbed]; components: ActionRow[]; allowed_mentions: { parse: [] } };

export const SCHEDULED_COLOR = 0x57f287;
export const CANCELLED_COLOR = 0x747f8d;
export const SESSION_FOOTER = 'Answer with the buttons below; you can change your answer at any time.';
const CANCELLED_NOTE = '**This session has been cancelled.**';
const EMPTY_LIST = '—';

const LIST_HEADINGS: Record<AttendanceAnswer | 'waitlist', string> = {
  yes: '✅ Yes',
  maybe: '❔ Maybe',
  late: '⏰ Late',
  no: '❌ No',
  waitlist: '📋 Waitlist',
};

const BUTTON_STYLES: Record<AttendanceAnswer, ButtonStyle.Success | ButtonStyle.Secondary | ButtonStyle.Primary | ButtonStyle.Danger> = {
  yes: ButtonStyle.Success,
  maybe: ButtonStyle.Secondary,
  late: ButtonStyle.Primary,
  no: ButtonStyle.Danger,
};

/** `<t:seconds:style>`: Discord shows the moment in each reader's own time zone (F: full date and time, R: relative). */
export function discordTimestamp(at: Date, style: 'F' | 'R' | 't'): string {
  return `<t:${Math.floor(at.getTime() / 1000)}:${style}>`;
}

export function isAttendanceAnswer(value: string): value is AttendanceAnswer {
  return (ATTENDANCE_ANSWERS as readonly string[]).includes(value);
}

/** `attendance:answer:<sessionId>:<answer>`; throws a `CustomIdError` when the session id contains ":" or is too long. */
export function answerCustomId(sessionId: string, answer: AttendanceAnswer): string {
  return buildCustomId(ATTENDANCE_OWNER, ANSWER_ACTION, sessionId, answer);
}

/** The session and answer of a parsed answer button's custom_id, or null when the route is something else. */
export function answerFromRoute(route: CustomIdRoute): { sessionId: string; answer: AttendanceAnswer } | null {
  if (route.owner !== ATTENDANCE_OWNER || route.action !== ANSWER_ACTION || route.args.length !== 2) return null;
  const [sessionId, answer] = route.args;
  if (sessionId === undefined || answer === undefined || !isAttendanceAnswer(answer)) return null;
  return { sessionId, answer };
}

/**
 * The users as mentions, one per line, within `max` characters. When not all fit, the list ends with
 * "and N more" (N counts the ones left out). Empty lists show a dash.
 */
export function mentionList(userIds: readonly string[], max: number): string {
  if (userIds.length === 0) return EMPTY_LIST;
  const mentions = userIds.map((id) => `<@${id}>`);
  const all = mentions.join('\n');
  if (all.length <= max) return all;
  // Take as many as fit together with the "and N more" line; N only shrinks as more fit, so its length is safe.
  let taken = 0;
  let length = 0;
  for (const mention of mentions) {
    const more = `and ${userIds.length - (taken + 1)} more`;
    const next = length + (taken === 0 ? 0 : 1) + mention.length;
    if (next + 1 + more.length > max) break;
    length = next;
    taken += 1;
  }
  const tail = `and ${userIds.length - taken} more`;
  return taken === 0 ? cutText(tail, max) : `${mentions.slice(0, taken).join('\n')}\n${tail}`;
}

function countLabel(count: number, capacity: number | null): string {
  return capacity === null ? `${count}` : `${count}/${capacity}`;
}

function whenText(view: SessionView): string {
  const zone = view.timezone.trim();
  const lines = [
    `${discordTimestamp(view.startsAt, 'F')} (${discordTimestamp(view.startsAt, 'R')})`,
    `until ${discordTimestamp(view.endsAt, 'F')}`,
    ...(zone === '' ? [] : [`Organised in ${zone} time; times above are shown in yours.`]),
  ];
  return cutText(lines.join('\n'), EMBED_FIELD_VALUE_MAX);
}

type ListSpec = { heading: string; ids: readonly string[] };

function listSpecs(view: SessionView): ListSpec[] {
  const { answers, capacity } = view;
  const specs: ListSpec[] = [
    { heading: `${LIST_HEADINGS.yes} (${countLabel(answers.yes.length, capacity)})`, ids: answers.yes },
    { heading: `${LIST_HEADINGS.maybe} (${answers.maybe.length})`, ids: answers.maybe },
    { heading: `${LIST_HEADINGS.late} (${answers.late.length})`, ids: answers.late },
    { heading: `${LIST_HEADINGS.no} (${answers.no.length})`, ids: answers.no },
  ];
  if (answers.waitlist.length > 0) specs.push({ heading: `${LIST_HEADINGS.waitlist} (${answers.waitlist.length})`, ids: answers.waitlist });
  return specs;
}

/** The shortest description worth keeping before the lists have to give way. */
const DESCRIPTION_FLOOR = 200;
/** How much a list's room shrinks per step when the embed is over the total. */
const LIST_STEP = 64;

export function sessionEmbed(view: SessionView): APIEmbed {
  const cancelled = view.status === 'cancelled';
  const title = cutText(`${cancelled ? '🚫 Cancelled: ' : '📅 '}${view.title.trim()}`, EMBED_TITLE_MAX);
  const footer = cutText(cancelled ? 'This session will not take place.' : SESSION_FOOTER, EMBED_FOOTER_TEXT_MAX);
  const when: APIEmbedField = { name: cutText('When', EMBED_FIELD_NAME_MAX), value: whenText(view), inline: false };
  const specs = listSpecs(view).slice(0, EMBED_FIELDS_MAX - 1);
  const body = view.description.trim();
  const fullDescription = cancelled ? (body === '' ? CANCELLED_NOTE : `${CANCELLED_NOTE}\n\n${body}`) : body;

  const lists = (max: number): APIEmbedField[] =>
    specs.map((spec) => ({ name: cutText(spec.heading, EMBED_FIELD_NAME_MAX), value: mentionList(spec.ids, max), inline: true }));
  const fixedLength = title.length + footer.length + when.name.length + when.value.length;
  let listMax = EMBED_FIELD_VALUE_MAX;
  let fields = lists(listMax);
  const fieldsLength = (all: APIEmbedField[]): number => all.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const descriptionRoom = (): number => EMBED_TOTAL_MAX - fixedLength - fieldsLength(fields);
  while (descriptionRoom() < Math.min(DESCRIPTION_FLOOR, fullDescription.length) && listMax > LIST_STEP) {
    listMax -= LIST_STEP;
    fields = lists(listMax);
  }
  const description = cutText(fullDescription, Math.max(0, Math.min(EMBED_DESCRIPTION_MAX, descriptionRoom())));
  const embed: APIEmbed = {
    title,
    fields: [when, ...fields],
    color: cancelled ? CANCELLED_COLOR : SCHEDULED_COLOR,
    footer: { text: footer },
  };
  if (description !== '') embed.description = description;
  if (embedLength(embed) > EMBED_TOTAL_MAX) throw new Error('the session embed does not fit in Discord’s embed total');
  return embed;
}

function buttonLabel(labels: Partial<AnswerLabels> | undefined, answer: AttendanceAnswer): string {
  const chosen = labels?.[answer]?.replace(/\s+/g, ' ').trim();
  return cutText(chosen === undefined || chosen === '' ? DEFAULT_ANSWER_LABELS[answer] : chosen, BUTTON_LABEL_MAX);
}

/** One row of answer buttons; all disabled when the session is cancelled. */
export function sessionButtons(view: Pick<SessionView, 'sessionId' | 'status' | 'labels'>): ActionRow[] {
  const buttons: APIButtonComponent[] = ATTENDANCE_ANSWERS.map((answer) => ({
    type: ComponentType.Button,
    style: BUTTON_STYLES[answer],
    label: buttonLabel(view.labels, answer),
    custom_id: answerCustomId(view.sessionId, answer),
    disabled: view.status === 'cancelled',
  }));
  const rows = [buttons];
  if (rows.length > ACTION_ROWS_MAX || rows.some((row) => row.length > BUTTONS_PER_ROW_MAX)) throw new Error('the answer buttons do not fit in a message');
  return rows.map((components) => ({ type: ComponentType.ActionRow, components }));
}

export function sessionMessage(view: SessionView): SessionMessage {
  return { embeds: [sessionEmbed(view)], components: sessionButtons(view), allowed_mentions: { parse: [] } };
}

export type ReminderInput = {
  title: string;
  startsAt: Date;
  /** Where the session message is, for a link to it; left out when unknown. */
  message?: { guildId: string; channelId: string; messageId: string };
};

/** The reminder's text: what starts when, and a link to the session message. Cut to the content limit. */
export function reminderContent(input: ReminderInput): string {
  const link = input.message ? `\nhttps://discord.com/channels/${input.message.guildId}/${input.message.channelId}/${input.message.messageId}` : '';
  const lead = `⏰ Reminder: starts ${discordTimestamp(input.startsAt, 'R')} (${discordTimestamp(input.startsAt, 'F')}): `;
  const room = MESSAGE_CONTENT_MAX - lead.length - link.length;
  return `${lead}**${cutText(input.title.replace(/\s+/g, ' ').trim(), Math.max(1, room - 4))}**${link}`;
}
