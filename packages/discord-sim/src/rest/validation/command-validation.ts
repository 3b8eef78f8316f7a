/** Application command bodies, checked against Discord's name, description, option and choice limits. */
import { COMMAND_CHOICES_MAX, COMMAND_DESCRIPTION_MAX, COMMAND_NAME_MAX, COMMAND_OPTIONS_MAX } from 'discord-limits';
import { FormErrorCollector } from '../errors.ts';
import type { JsonObject } from '../request-body.ts';
import type { CommandOption } from '../../state/entities.ts';

type Path = Array<string | number>;

const CHAT_INPUT = 1;
const NAME_PATTERN = new RegExp(`^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,${COMMAND_NAME_MAX}}$`, 'u');

export interface CommandBody {
  type: number;
  name: string;
  description: string;
  options?: CommandOption[];
  default_member_permissions: string | null;
  contexts?: number[] | null;
  integration_types?: number[];
  nsfw: boolean;
  dm_permission?: boolean;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

function checkName(errors: FormErrorCollector, path: Path, name: unknown, chatInput: boolean): void {
  if (typeof name !== 'string' || name.length === 0) return errors.required([...path, 'name']);
  if (name.length > COMMAND_NAME_MAX) return errors.maxLength([...path, 'name'], COMMAND_NAME_MAX);
  if (chatInput && (!NAME_PATTERN.test(name) || name !== name.toLowerCase())) {
    errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

function checkDescription(errors: FormErrorCollector, path: Path, description: unknown, chatInput: boolean): void {
  if (!chatInput) return;
  if (typeof description !== 'string' || description.length === 0) return errors.required([...path, 'description']);
  if (description.length > COMMAND_DESCRIPTION_MAX) errors.maxLength([...path, 'description'], COMMAND_DESCRIPTION_MAX);
}

function checkOptions(errors: FormErrorCollector, path: Path, options: unknown): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) return errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (options.length > COMMAND_OPTIONS_MAX) errors.maxLength(path, COMMAND_OPTIONS_MAX);
  options.forEach((raw, i) => {
    const option = (raw ?? {}) as Record<string, unknown>;
    const at = [...path, i];
    checkName(errors, at, option.name, true);
    checkDescription(errors, at, option.description, true);
    if (typeof option.type !== 'number' || option.type < 1 || option.type > 11) errors.add([...at, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.');
    if (Array.isArray(option.choices) && option.choices.length > COMMAND_CHOICES_MAX) errors.maxLength([...at, 'choices'], COMMAND_CHOICES_MAX);
    checkOptions(errors, [...at, 'options'], option.options);
  });
}

/** Validates one command; `path` prefixes errors in a bulk overwrite (`0.name`). */
export function readCommand(body: JsonObject, errors: FormErrorCollector = new FormErrorCollector(), path: Path = []): CommandBody {
  const type = typeof body.type === 'number' ? body.type : CHAT_INPUT;
  const chatInput = type === CHAT_INPUT;
  checkName(errors, path, body.name, chatInput);
  checkDescription(errors, path, body.description, chatInput);
  checkOptions(errors, [...path, 'options'], body.options);
  if (path.length === 0) errors.throwIfAny();
  const command: CommandBody = {
    type,
    name: String(body.name ?? ''),
    description: chatInput ? String(body.description ?? '') : '',
    default_member_permissions: body.default_member_permissions === undefined || body.default_member_permissions === null ? null : String(body.default_member_permissions),
    nsfw: body.nsfw === true,
  };
  if (Array.isArray(body.options)) command.options = body.options as CommandOption[];
  if (Array.isArray(body.contexts) || body.contexts === null) command.contexts = body.contexts as number[] | null;
  if (Array.isArray(body.integration_types)) command.integration_types = body.integration_types as number[];
  if (typeof body.dm_permission === 'boolean') command.dm_permission = body.dm_permission;
  if (body.name_localizations !== undefined) command.name_localizations = body.name_localizations as Record<string, string> | null;
  if (body.description_localizations !== undefined) command.description_localizations = body.description_localizations as Record<string, string> | null;
  return command;
}

export function readCommandList(body: JsonObject): CommandBody[] {
  const list = Array.isArray(body.__array) ? (body.__array as JsonObject[]) : [];
  const errors = new FormErrorCollector();
  const commands = list.map((raw, i) => readCommand(raw ?? {}, errors, [i]));
  errors.throwIfAny();
  return commands;
}
