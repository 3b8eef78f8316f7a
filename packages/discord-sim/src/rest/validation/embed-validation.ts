/** Embed limits, reported in Discord's `errors` tree under `embeds.N`. */
import {
  EMBED_AUTHOR_NAME_MAX,
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_TEXT_MAX,
  EMBED_TITLE_MAX,
  EMBED_TOTAL_MAX,
  MESSAGE_EMBEDS_MAX,
} from 'discord-limits';
import type { FormErrorCollector } from '../errors.ts';

type Path = ReadonlyArray<string | number>;

const obj = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

/** Checks a string field's length; returns its length for the embed total. */
function text(errors: FormErrorCollector, path: Path, value: unknown, max: number, required = false): number {
  if (value === undefined || value === null) {
    if (required) errors.required(path);
    return 0;
  }
  if (typeof value !== 'string') {
    errors.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return 0;
  }
  if (required && value.length === 0) errors.required(path);
  if (value.length > max) errors.maxLength(path, max);
  return value.length;
}

export function validateEmbeds(errors: FormErrorCollector, embeds: unknown, path: Path = ['embeds']): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) return errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (embeds.length > MESSAGE_EMBEDS_MAX) errors.maxLength(path, MESSAGE_EMBEDS_MAX);
  embeds.forEach((raw, index) => {
    const embed = obj(raw);
    const at = [...path, index];
    let total = 0;
    total += text(errors, [...at, 'title'], embed.title, EMBED_TITLE_MAX);
    total += text(errors, [...at, 'description'], embed.description, EMBED_DESCRIPTION_MAX);
    total += text(errors, [...at, 'footer', 'text'], obj(embed.footer).text, EMBED_FOOTER_TEXT_MAX, embed.footer !== undefined);
    total += text(errors, [...at, 'author', 'name'], obj(embed.author).name, EMBED_AUTHOR_NAME_MAX, embed.author !== undefined);
    if (embed.color !== undefined && embed.color !== null && (typeof embed.color !== 'number' || embed.color < 0 || embed.color > 0xffffff)) {
      errors.add([...at, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
    }
    const fields = embed.fields;
    if (fields !== undefined) {
      if (!Array.isArray(fields)) errors.add([...at, 'fields'], 'BASE_TYPE_ARRAY', 'Must be an array.');
      else {
        if (fields.length > EMBED_FIELDS_MAX) errors.maxLength([...at, 'fields'], EMBED_FIELDS_MAX);
        fields.forEach((field, i) => {
          const f = obj(field);
          total += text(errors, [...at, 'fields', i, 'name'], f.name, EMBED_FIELD_NAME_MAX, true);
          total += text(errors, [...at, 'fields', i, 'value'], f.value, EMBED_FIELD_VALUE_MAX, true);
        });
      }
    }
    if (total > EMBED_TOTAL_MAX) errors.add(at, 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${EMBED_TOTAL_MAX}`);
  });
}

/** Embeds as Discord stores them: `type: 'rich'` unless given. */
export function normaliseEmbeds(embeds: unknown): Record<string, unknown>[] {
  if (!Array.isArray(embeds)) return [];
  return embeds.map((e) => ({ type: 'rich', ...obj(e) }));
}
