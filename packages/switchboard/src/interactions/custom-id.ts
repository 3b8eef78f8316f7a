/**
 * Component and modal custom_ids name who handles them: `<owner>:<action>:<arg>:<arg>…`, where the owner is a
 * module name or `app.<applicationId>` for an outside application. The router reads the owner straight from
 * the id, so a button keeps working across restarts without anything stored. Building refuses what parsing
 * could not give back unchanged: empty parts and `:` inside a part (so every part, arguments included, is
 * `:`-free), and ids longer than Discord accepts.
 */
import { CUSTOM_ID_MAX } from 'discord-limits';

export type CustomIdRoute = { owner: string; action: string; args: string[] };

export type ParsedCustomId = ({ ok: true } & CustomIdRoute) | { ok: false; reason: string };

const SEPARATOR = ':';
const APP_OWNER_PREFIX = 'app.';

/** The owner prefix of an outside application's components. */
export function appOwner(applicationId: string): string {
  return `${APP_OWNER_PREFIX}${applicationId}`;
}

/** The application id when `owner` names an outside application, otherwise null. */
export function appIdOfOwner(owner: string): string | null {
  return owner.startsWith(APP_OWNER_PREFIX) && owner.length > APP_OWNER_PREFIX.length ? owner.slice(APP_OWNER_PREFIX.length) : null;
}

/** The app a custom_id belongs to (`app.<id>:<the app's own id>`), or null. The app's own part is free-form. */
export function appIdOfCustomId(customId: string): string | null {
  const end = customId.indexOf(SEPARATOR);
  return end > 0 ? appIdOfOwner(customId.slice(0, end)) : null;
}

/** Why `parts` cannot form a custom_id, or null when they can. */
function problemWith(owner: string, action: string, args: readonly string[]): string | null {
  if (owner === '') return 'the owner is empty';
  if (action === '') return 'the action is empty';
  if (owner.includes(SEPARATOR)) return `the owner "${owner}" contains "${SEPARATOR}"`;
  if (action.includes(SEPARATOR)) return `the action "${action}" contains "${SEPARATOR}"`;
  for (const [index, arg] of args.entries()) {
    if (arg === '') return `argument ${index + 1} is empty`;
    if (arg.includes(SEPARATOR)) return `argument ${index + 1} ("${arg}") contains "${SEPARATOR}"`;
  }
  return null;
}

/** Reads a custom_id without any lookup. */
export function parseCustomId(customId: string): ParsedCustomId {
  // UTF-16 length: never less than the characters Discord counts, so nothing accepted here is too long there.
  if (customId.length > CUSTOM_ID_MAX) return { ok: false, reason: `longer than ${CUSTOM_ID_MAX} characters` };
  const [owner = '', action, ...args] = customId.split(SEPARATOR);
  if (action === undefined) return { ok: false, reason: `no "${SEPARATOR}" between owner and action` };
  const problem = problemWith(owner, action, args);
  return problem === null ? { ok: true, owner, action, args } : { ok: false, reason: problem };
}

/** Thrown by `buildCustomId`: a bug in the caller, not something a user did. */
export class CustomIdError extends Error {
  override readonly name = 'CustomIdError';
}

/** `<owner>:<action>:<args…>`; throws a `CustomIdError` when the parts are unusable or the id is too long. */
export function buildCustomId(owner: string, action: string, ...args: string[]): string {
  const problem = problemWith(owner, action, args);
  if (problem !== null) throw new CustomIdError(`cannot build a custom_id: ${problem}`);
  const customId = [owner, action, ...args].join(SEPARATOR);
  if (customId.length > CUSTOM_ID_MAX) {
    throw new CustomIdError(`the custom_id "${customId.slice(0, 40)}…" has ${customId.length} characters; Discord allows ${CUSTOM_ID_MAX}`);
  }
  return customId;
}
