/**
 * Shortens an embed until Discord accepts it: each text within its own limit, at most the allowed number
 * of fields, and the total within the embed limit, taking from the longest field values first so that
 * short facts (state, latency) survive and long lists lose their tails.
 */
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import {
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_TEXT_MAX,
  EMBED_TITLE_MAX,
  EMBED_TOTAL_MAX,
} from 'discord-limits';
import { cutText } from './cut-text.ts';

const ELLIPSIS = '…';

/** `text` cut to at most `max` characters, marked with "…" (the one shared cut, see cut-text.ts). */
export const truncate = cutText;

/** The characters Discord counts towards the embed total. */
export function embedLength(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0) + fields;
}

export function fitEmbed(embed: APIEmbed): APIEmbed {
  const fitted: APIEmbed = { ...embed };
  if (fitted.title !== undefined) fitted.title = truncate(fitted.title, EMBED_TITLE_MAX);
  if (fitted.description !== undefined) fitted.description = truncate(fitted.description, EMBED_DESCRIPTION_MAX);
  if (fitted.footer) fitted.footer = { ...fitted.footer, text: truncate(fitted.footer.text, EMBED_FOOTER_TEXT_MAX) };
  const fields: APIEmbedField[] = (embed.fields ?? [])
    .slice(0, EMBED_FIELDS_MAX)
    .map((field) => ({ ...field, name: truncate(field.name, EMBED_FIELD_NAME_MAX), value: truncate(field.value, EMBED_FIELD_VALUE_MAX) }));
  if (embed.fields) fitted.fields = fields;
  let excess = embedLength(fitted) - EMBED_TOTAL_MAX;
  while (excess > 0) {
    const longest = fields.reduce<APIEmbedField | undefined>((best, field) => (best === undefined || field.value.length > best.value.length ? field : best), undefined);
    if (longest === undefined || longest.value.length <= ELLIPSIS.length + 1) break;
    const target = Math.max(ELLIPSIS.length + 1, longest.value.length - excess);
    const before = longest.value.length;
    longest.value = truncate(longest.value, target);
    excess -= before - longest.value.length;
  }
  if (excess > 0 && fitted.description !== undefined) {
    fitted.description = truncate(fitted.description, Math.max(ELLIPSIS.length + 1, fitted.description.length - excess));
  }
  return fitted;
}
