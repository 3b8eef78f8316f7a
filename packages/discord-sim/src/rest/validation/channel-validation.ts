/** Channel and thread bodies: names, types, auto-archive durations and overwrites. */
import { CHANNEL_NAME_MAX, THREAD_AUTO_ARCHIVE_MINUTES, THREAD_NAME_MAX } from 'discord-limits';
import { FormErrorCollector } from '../errors.ts';
import type { JsonObject } from '../request-body.ts';
import type { ChannelInput, ChannelPatch } from '../../state/channels.ts';
import type { ThreadInput, ThreadPatch } from '../../state/threads.ts';
import type { Overwrite } from '../../util/permissions.ts';

const CREATABLE_TYPES = [0, 2, 4, 5, 13, 15];

function name(errors: FormErrorCollector, value: unknown, max: number, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) errors.required(['name']);
    return undefined;
  }
  if (typeof value !== 'string' || value.length < 1 || value.length > max) {
    errors.add(['name'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${max} in length.`);
    return undefined;
  }
  return value;
}

function overwrites(errors: FormErrorCollector, value: unknown): Overwrite[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    errors.add(['permission_overwrites'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return undefined;
  }
  return value.map((raw) => {
    const o = raw as Record<string, unknown>;
    return { id: String(o.id), type: o.type === 1 ? 1 : 0, allow: String(o.allow ?? '0'), deny: String(o.deny ?? '0') };
  });
}

function autoArchive(errors: FormErrorCollector, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!(THREAD_AUTO_ARCHIVE_MINUTES as readonly unknown[]).includes(value)) {
    errors.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', `Value must be one of {${THREAD_AUTO_ARCHIVE_MINUTES.join(', ')}}.`);
    return undefined;
  }
  return value as number;
}

function common(body: JsonObject, errors: FormErrorCollector): ChannelPatch {
  const patch: ChannelPatch = {};
  if (body.topic !== undefined) patch.topic = body.topic === null ? null : String(body.topic);
  if (typeof body.position === 'number') patch.position = body.position;
  if (typeof body.nsfw === 'boolean') patch.nsfw = body.nsfw;
  if (typeof body.rate_limit_per_user === 'number') patch.rate_limit_per_user = body.rate_limit_per_user;
  if (body.parent_id !== undefined) patch.parent_id = body.parent_id === null ? null : String(body.parent_id);
  const list = overwrites(errors, body.permission_overwrites);
  if (list) patch.permission_overwrites = list;
  return patch;
}

export function readChannelCreate(body: JsonObject): ChannelInput {
  const errors = new FormErrorCollector();
  const channelName = name(errors, body.name, CHANNEL_NAME_MAX, true);
  const type = body.type === undefined ? 0 : body.type;
  if (typeof type !== 'number' || !CREATABLE_TYPES.includes(type)) errors.add(['type'], 'BASE_TYPE_CHOICES', `Value must be one of {${CREATABLE_TYPES.join(', ')}}.`);
  const patch = common(body, errors);
  errors.throwIfAny();
  return { ...patch, name: channelName ?? '', type: type as number };
}

export function readChannelPatch(body: JsonObject): ChannelPatch {
  const errors = new FormErrorCollector();
  const patch = common(body, errors);
  const channelName = name(errors, body.name, CHANNEL_NAME_MAX, false);
  errors.throwIfAny();
  if (channelName !== undefined) patch.name = channelName;
  return patch;
}

export function readThreadCreate(body: JsonObject, fromMessage: boolean): ThreadInput {
  const errors = new FormErrorCollector();
  const threadName = name(errors, body.name, THREAD_NAME_MAX, true);
  const duration = autoArchive(errors, body.auto_archive_duration);
  if (!fromMessage && body.type !== undefined && ![10, 11, 12].includes(body.type as number)) {
    errors.add(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of {10, 11, 12}.');
  }
  errors.throwIfAny();
  const input: ThreadInput = { name: threadName ?? '' };
  if (typeof body.type === 'number') input.type = body.type;
  if (duration !== undefined) input.auto_archive_duration = duration;
  if (typeof body.invitable === 'boolean') input.invitable = body.invitable;
  if (typeof body.rate_limit_per_user === 'number') input.rate_limit_per_user = body.rate_limit_per_user;
  return input;
}

export function readThreadPatch(body: JsonObject): ThreadPatch {
  const errors = new FormErrorCollector();
  const threadName = name(errors, body.name, THREAD_NAME_MAX, false);
  const duration = autoArchive(errors, body.auto_archive_duration);
  errors.throwIfAny();
  const patch: ThreadPatch = {};
  if (threadName !== undefined) patch.name = threadName;
  if (duration !== undefined) patch.auto_archive_duration = duration;
  if (typeof body.archived === 'boolean') patch.archived = body.archived;
  if (typeof body.locked === 'boolean') patch.locked = body.locked;
  if (typeof body.invitable === 'boolean') patch.invitable = body.invitable;
  if (typeof body.rate_limit_per_user === 'number') patch.rate_limit_per_user = body.rate_limit_per_user;
  return patch;
}
