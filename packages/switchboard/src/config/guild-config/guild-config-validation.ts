/**
 * Checking guild configuration overrides, and reading the values `/config set` is given. Every problem is
 * reported with its exact dotted path (`notifications.meetingStarted.template`) and what is allowed there,
 * all at once. Pure functions; they return results instead of throwing.
 */
import type { z } from 'zod';
import { DEFAULT_GUILD_CONFIG, guildConfigSchema, type GuildConfig } from './guild-config-schema.ts';
import { deepMerge, isPlainObject } from './merge.ts';

export type ConfigIssue = { path: string; message: string };

export type ConfigCheck = { ok: true; config: GuildConfig } | { ok: false; issues: ConfigIssue[] };

const TYPE_WORDS: Record<string, string> = {
  boolean: 'true or false',
  number: 'a number',
  string: 'text',
  array: 'a list',
  object: 'a group of settings',
};

function pathText(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** The value at `path` in a configuration (the defaults unless another is given), or undefined when nothing lives there. */
export function valueAt(path: readonly string[], config: unknown = DEFAULT_GUILD_CONFIG): unknown {
  let node: unknown = config;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function allowedKeys(path: readonly PropertyKey[]): string {
  const node = valueAt(path.map(String));
  return isPlainObject(node) ? Object.keys(node).join(', ') : '';
}

function describe(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: pathText([...path, key]),
        message: `is not a setting; allowed${path.length === 0 ? '' : ` in ${pathText(path)}`}: ${allowedKeys(path)}`,
      }));
    case 'invalid_type':
      return [{ path: pathText(path), message: `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}` }];
    default:
      return [{ path: pathText(path), message: issue.message }];
  }
}

/** Lays `override` over the defaults (and any layers below it) and checks the result. */
export function checkOverride(override: unknown, below: GuildConfig = DEFAULT_GUILD_CONFIG): ConfigCheck {
  if (!isPlainObject(override)) return { ok: false, issues: [{ path: '', message: 'must be an object of settings' }] };
  const result = guildConfigSchema.safeParse(deepMerge(below, override));
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, issues: result.error.issues.flatMap(describe) };
}

export type ParsedSetting = { ok: true; path: string[]; value: unknown } | { ok: false; issue: ConfigIssue };

/**
 * Reads `/config set <path> <value>`: the path must name one setting (not a section) and the text is read
 * as that setting's type — true/false (also on/off, yes/no), a number, a comma-separated list (role
 * mentions become ids) or a JSON list, or text.
 */
export function parseSetting(pathText: string, raw: string): ParsedSetting {
  const path = pathText.trim().split('.').filter((part) => part !== '');
  const refuse = (message: string): ParsedSetting => ({ ok: false, issue: { path: path.join('.'), message } });
  if (path.length === 0) return refuse('name a setting, e.g. meetings.defaultDurationMinutes');
  for (let depth = 0; depth < path.length; depth++) {
    const parent = path.slice(0, depth);
    const node = valueAt(parent);
    if (!isPlainObject(node) || !Object.hasOwn(node, path[depth]!)) {
      return { ok: false, issue: { path: path.slice(0, depth + 1).join('.'), message: `is not a setting; allowed${parent.length ? ` in ${parent.join('.')}` : ''}: ${Object.keys(node as object).join(', ')}` } };
    }
  }
  const current = valueAt(path);
  const text = raw.trim();
  if (isPlainObject(current)) return refuse(`is a section; set one of its settings: ${Object.keys(current).map((k) => `${path.join('.')}.${k}`).join(', ')}`);
  if (typeof current === 'boolean') {
    const word = text.toLowerCase();
    if (['true', 'on', 'yes', 'enabled'].includes(word)) return { ok: true, path, value: true };
    if (['false', 'off', 'no', 'disabled'].includes(word)) return { ok: true, path, value: false };
    return refuse('must be true or false');
  }
  if (typeof current === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text)) return refuse('must be a number');
    return { ok: true, path, value: Number(text) };
  }
  if (Array.isArray(current)) {
    // A list of objects (ticket categories) or any list written out in full comes as JSON.
    if (text.startsWith('[')) {
      try {
        return { ok: true, path, value: JSON.parse(text) as unknown };
      } catch {
        return refuse('must be a list: items separated by commas, or JSON such as ["a", "b"]');
      }
    }
    const items = text === '' || text === '-' ? [] : text.split(/[\s,]+/).filter((item) => item !== '').map((item) => item.replace(/^<@&(\d+)>$/, '$1'));
    return { ok: true, path, value: items };
  }
  return { ok: true, path, value: raw };
}

/** `{ a: { b: value } }` for path a.b: the override one setting makes. */
export function overrideFor(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key, index) => (index === path.length - 1 ? { [key]: value } : { [key]: inner }), {});
}
