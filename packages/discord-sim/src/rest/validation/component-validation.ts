/** Message components (action rows, buttons, select menus) and modals, checked against Discord's limits. */
import {
  ACTION_ROWS_MAX,
  BUTTON_LABEL_MAX,
  BUTTONS_PER_ROW_MAX,
  CUSTOM_ID_MAX,
  MODAL_TITLE_MAX,
  SELECT_OPTION_DESCRIPTION_MAX,
  SELECT_OPTION_LABEL_MAX,
  SELECT_OPTION_VALUE_MAX,
  SELECT_OPTIONS_MAX,
  SELECT_PLACEHOLDER_MAX,
  TEXT_INPUT_LABEL_MAX,
  TEXT_INPUT_VALUE_MAX,
} from 'discord-limits';
import type { FormErrorCollector } from '../errors.ts';

type Path = ReadonlyArray<string | number>;

export const ComponentType = {
  ActionRow: 1,
  Button: 2,
  StringSelect: 3,
  TextInput: 4,
  UserSelect: 5,
  RoleSelect: 6,
  MentionableSelect: 7,
  ChannelSelect: 8,
  Label: 18,
} as const;

const SELECT_TYPES: ReadonlySet<number> = new Set([3, 5, 6, 7, 8]);
const LINK_STYLE = 5;
const PREMIUM_STYLE = 6;

const obj = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

function maxLen(errors: FormErrorCollector, path: Path, value: unknown, max: number, required = false): void {
  if (value === undefined || value === null || value === '') {
    if (required) errors.required(path);
    return;
  }
  if (typeof value !== 'string') errors.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
  else if (value.length > max) errors.maxLength(path, max);
}

function validateButton(errors: FormErrorCollector, path: Path, button: Record<string, unknown>): void {
  maxLen(errors, [...path, 'label'], button.label, BUTTON_LABEL_MAX);
  if (button.style === LINK_STYLE) {
    if (typeof button.url !== 'string') errors.required([...path, 'url']);
  } else if (button.style !== PREMIUM_STYLE) {
    maxLen(errors, [...path, 'custom_id'], button.custom_id, CUSTOM_ID_MAX, true);
  }
}

function validateSelect(errors: FormErrorCollector, path: Path, select: Record<string, unknown>): void {
  maxLen(errors, [...path, 'custom_id'], select.custom_id, CUSTOM_ID_MAX, true);
  maxLen(errors, [...path, 'placeholder'], select.placeholder, SELECT_PLACEHOLDER_MAX);
  if (select.type !== ComponentType.StringSelect) return;
  const options = select.options;
  if (!Array.isArray(options) || options.length === 0) return errors.required([...path, 'options']);
  if (options.length > SELECT_OPTIONS_MAX) errors.maxLength([...path, 'options'], SELECT_OPTIONS_MAX);
  options.forEach((raw, i) => {
    const option = obj(raw);
    maxLen(errors, [...path, 'options', i, 'label'], option.label, SELECT_OPTION_LABEL_MAX, true);
    maxLen(errors, [...path, 'options', i, 'value'], option.value, SELECT_OPTION_VALUE_MAX, true);
    maxLen(errors, [...path, 'options', i, 'description'], option.description, SELECT_OPTION_DESCRIPTION_MAX);
  });
}

/** Classic (non-v2) message components: at most five rows; a row holds up to five buttons or one select menu. */
export function validateMessageComponents(errors: FormErrorCollector, components: unknown, path: Path = ['components']): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) return errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (components.length > ACTION_ROWS_MAX) errors.maxLength(path, ACTION_ROWS_MAX);
  components.forEach((raw, rowIndex) => {
    const row = obj(raw);
    const rowPath = [...path, rowIndex];
    if (row.type !== ComponentType.ActionRow) return;
    const children = Array.isArray(row.components) ? row.components.map(obj) : [];
    if (children.length === 0) return errors.required([...rowPath, 'components']);
    const selects = children.filter((c) => SELECT_TYPES.has(Number(c.type)));
    if (selects.length > 0 && children.length > 1) {
      errors.add([...rowPath, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    } else if (children.length > BUTTONS_PER_ROW_MAX) {
      errors.maxLength([...rowPath, 'components'], BUTTONS_PER_ROW_MAX);
    }
    children.forEach((child, i) => {
      const childPath = [...rowPath, 'components', i];
      if (child.type === ComponentType.Button) validateButton(errors, childPath, child);
      else if (SELECT_TYPES.has(Number(child.type))) validateSelect(errors, childPath, child);
      else errors.add([...childPath, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).');
    });
  });
}

/** A modal callback: title, custom id, and text inputs in rows or labels. */
export function validateModal(errors: FormErrorCollector, data: Record<string, unknown>): void {
  maxLen(errors, ['data', 'title'], data.title, MODAL_TITLE_MAX, true);
  maxLen(errors, ['data', 'custom_id'], data.custom_id, CUSTOM_ID_MAX, true);
  const rows = Array.isArray(data.components) ? data.components.map(obj) : [];
  if (rows.length === 0) return errors.required(['data', 'components']);
  if (rows.length > ACTION_ROWS_MAX) errors.maxLength(['data', 'components'], ACTION_ROWS_MAX);
  rows.forEach((row, i) => {
    const input = row.type === ComponentType.Label ? obj(row.component) : obj(Array.isArray(row.components) ? row.components[0] : undefined);
    const at = ['data', 'components', i];
    if (row.type === ComponentType.Label) maxLen(errors, [...at, 'label'], row.label, TEXT_INPUT_LABEL_MAX, true);
    else maxLen(errors, [...at, 'components', 0, 'label'], input.label, TEXT_INPUT_LABEL_MAX, input.type === ComponentType.TextInput);
    maxLen(errors, [...at, 'custom_id'], input.custom_id, CUSTOM_ID_MAX, true);
    maxLen(errors, [...at, 'value'], input.value, TEXT_INPUT_VALUE_MAX);
  });
}

/** Every interactive component in a message, flattened (for finding what a click refers to). */
export function flattenComponents(components: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const raw of list) {
      const c = obj(raw);
      if (typeof c.custom_id === 'string') out.push(c);
      visit(c.components);
      if (c.accessory) visit([c.accessory]);
      if (c.component) visit([c.component]);
    }
  };
  visit(components);
  return out;
}
