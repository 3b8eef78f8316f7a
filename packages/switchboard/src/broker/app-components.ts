/**
 * An app's component custom_ids travel through Discord with the app's owner prefix (`app.<id>:`), so that
 * a click routes to the app without a lookup; the app itself only ever sees its own ids. Pure.
 */
import { CUSTOM_ID_MAX } from 'discord-limits';
import { appOwner } from '../interactions/custom-id.ts';

export function appPrefix(appId: string): string {
  return `${appOwner(appId)}:`;
}

export class CustomIdTooLongError extends Error {}

type Node = Record<string, unknown>;

/** Rewrites every `custom_id` in a component tree; other fields are kept as they are. */
function mapCustomIds(value: unknown, rewrite: (id: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapCustomIds(item, rewrite));
  if (value === null || typeof value !== 'object') return value;
  const node = value as Node;
  const copy: Node = {};
  for (const [key, child] of Object.entries(node)) {
    copy[key] = key === 'custom_id' && typeof child === 'string' ? rewrite(child) : mapCustomIds(child, rewrite);
  }
  return copy;
}

/** Prefixes the app's custom_ids; throws when one would exceed Discord's length once prefixed. */
export function namespaceComponents<T>(components: T, appId: string): T {
  const prefix = appPrefix(appId);
  return mapCustomIds(components, (id) => {
    if (prefix.length + id.length > CUSTOM_ID_MAX) {
      throw new CustomIdTooLongError(
        `custom_id "${id}" is too long: with the app's prefix "${prefix}" it must fit in ${CUSTOM_ID_MAX} characters, so at most ${CUSTOM_ID_MAX - prefix.length}`,
      );
    }
    return `${prefix}${id}`;
  }) as T;
}

/** Removes the app's prefix from every custom_id (an interaction or a message handed back to the app). */
export function stripComponents<T>(value: T, appId: string): T {
  const prefix = appPrefix(appId);
  return mapCustomIds(value, (id) => (id.startsWith(prefix) ? id.slice(prefix.length) : id)) as T;
}
