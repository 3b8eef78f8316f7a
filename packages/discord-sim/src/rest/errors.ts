/** Discord's JSON error codes the simulator answers with, and their messages. */
import { CHANNELS_PER_GUILD_MAX, GLOBAL_CHAT_COMMANDS_MAX } from 'discord-limits';
export const ErrorCode = {
  General: 0,
  UnknownApplication: 10002,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownRole: 10011,
  UnknownUser: 10013,
  UnknownEmoji: 10014,
  UnknownWebhook: 10015,
  UnknownBan: 10026,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  UnknownGuildScheduledEvent: 10070,
  CannotSendEmptyMessage: 50006,
  CannotSendToUser: 50007,
  MissingAccess: 50001,
  MissingPermissions: 50013,
  InvalidFormBody: 50035,
  TooManyGuildChannels: 30013,
  InteractionAlreadyAcknowledged: 40060,
  ThreadLocked: 160005,
  MaxActiveThreads: 160006,
  ThreadAlreadyCreated: 160004,
  CannotEditOthersMessage: 50005,
  MaxApplicationCommands: 30032,
  ThreadArchived: 50083,
} as const;

const messages: Record<number, string> = {
  10002: 'Unknown Application',
  10003: 'Unknown Channel',
  10004: 'Unknown Guild',
  10007: 'Unknown Member',
  10008: 'Unknown Message',
  10011: 'Unknown Role',
  10013: 'Unknown User',
  10014: 'Unknown Emoji',
  10015: 'Unknown Webhook',
  10026: 'Unknown Ban',
  10062: 'Unknown interaction',
  10063: 'Unknown application command',
  10070: 'Unknown Guild Scheduled Event',
  50001: 'Missing Access',
  50006: 'Cannot send an empty message',
  50007: 'Cannot send messages to this user',
  50013: 'Missing Permissions',
  50035: 'Invalid Form Body',
  50083: 'Thread is archived',
  30013: `Maximum number of guild channels reached (${CHANNELS_PER_GUILD_MAX})`,
  40060: 'Interaction has already been acknowledged.',
  160005: 'Thread is locked',
  160006: 'Maximum number of active threads reached',
  160004: 'A thread has already been created for this message',
  50005: 'Cannot edit a message authored by another user',
  30032: `Maximum number of application commands reached (${GLOBAL_CHAT_COMMANDS_MAX})`,
};

/** A REST failure: the HTTP status and Discord's JSON body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errors: FormErrors | undefined;
  constructor(status: number, code: number, message?: string, errors?: FormErrors) {
    super(message ?? messages[code] ?? 'Error');
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, code: this.code };
    if (this.errors) body.errors = this.errors;
    return body;
  }
}

export const notFound = (code: number) => new ApiError(404, code);
export const missingPermissions = () => new ApiError(403, ErrorCode.MissingPermissions);
export const unauthorized = () => new ApiError(401, 0, '401: Unauthorized');

/** Discord's nested error tree: keys are field names or array indexes, leaves hold `_errors`. */
export interface FormErrors {
  [key: string]: FormErrors | Array<{ code: string; message: string }>;
}

/** Collects field errors by path and builds Discord's `errors` object from them. */
export class FormErrorCollector {
  private root: FormErrors = {};
  private count = 0;

  add(path: ReadonlyArray<string | number>, code: string, message: string): void {
    let node = this.root;
    for (const key of path) {
      const name = String(key);
      const next = node[name];
      if (next === undefined || Array.isArray(next)) {
        const created: FormErrors = {};
        node[name] = created;
        node = created;
      } else {
        node = next;
      }
    }
    const list = node._errors;
    if (Array.isArray(list)) list.push({ code, message });
    else node._errors = [{ code, message }];
    this.count++;
  }

  maxLength(path: ReadonlyArray<string | number>, max: number): void {
    this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  required(path: ReadonlyArray<string | number>): void {
    this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  }

  get empty(): boolean {
    return this.count === 0;
  }

  error(): ApiError {
    return new ApiError(400, ErrorCode.InvalidFormBody, undefined, this.root);
  }

  throwIfAny(): void {
    if (this.count > 0) throw this.error();
  }
}

/** One field error as a thrown 50035. */
export function invalidField(path: ReadonlyArray<string | number>, code: string, message: string): ApiError {
  const collector = new FormErrorCollector();
  collector.add(path, code, message);
  return collector.error();
}

