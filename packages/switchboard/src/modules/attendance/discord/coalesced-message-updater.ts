/**
 * Keeps session messages in step with the stored state without one edit per click. `request(key)` marks a
 * message dirty; at most one edit per message is in flight; edits of one message are at least `minIntervalMs`
 * apart; and whatever was requested while an edit ran is written by one more edit afterwards. The body is
 * read through `render(key)` when the edit starts, never earlier, so the last edit always carries the latest
 * state. A burst of fifty clicks therefore costs two or three edits, and the rest client (which honours
 * Discord's rate-limit headers) never runs into a 429 beyond discovering a bucket.
 *
 * A failed edit is logged and tried once more after `retryDelayMs`; a second failure is logged and dropped
 * until the next request. A message or channel that no longer exists is not retried.
 *
 * `flush()` writes everything still dirty now (pending waits are cut short) and resolves when nothing is left;
 * `stop()` clears the timers and ignores later requests.
 */
import type { API } from '@discordjs/core';
import { DiscordAPIError } from '@discordjs/rest';
import { RESTJSONErrorCodes, type RESTPatchAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { Logger } from 'pino';

/** Where a message is and what it should say now; null when there is nothing to write (the session is gone). */
export type RenderedMessage = { channelId: string; messageId: string; body: RESTPatchAPIChannelMessageJSONBody } | null;

/** What the updater needs of the API: only editing messages, so that tests can count edits without Discord. */
export type MessageEditor = { channels: Pick<API['channels'], 'editMessage'> };

export type UpdaterTimers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type CoalescedMessageUpdaterOptions = {
  api: MessageEditor;
  render: (key: string) => Promise<RenderedMessage> | RenderedMessage;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** The least time between two edits of one message (default 1 s). */
  minIntervalMs?: number;
  /** How long after a failed edit it is tried again (default 5 s). */
  retryDelayMs?: number;
  now?: () => number;
  timers?: UpdaterTimers;
};

type Entry = {
  dirty: boolean;
  inFlight: Promise<void> | null;
  timer: { handle: unknown; fire: () => void } | null;
  /** The earliest moment the next edit may start: the last edit plus the interval, or a failure plus the retry delay. */
  notBefore: number;
  /** Failed attempts since the last successful edit. */
  failures: number;
};

const DEFAULT_TIMERS: UpdaterTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Discord's answers that another try cannot change. */
const GONE_CODES: ReadonlySet<number> = new Set([RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.UnknownChannel]);

export class CoalescedMessageUpdater {
  readonly #api: MessageEditor;
  readonly #render: (key: string) => Promise<RenderedMessage> | RenderedMessage;
  readonly #logger: Pick<Logger, 'warn' | 'error'>;
  readonly #minIntervalMs: number;
  readonly #retryDelayMs: number;
  readonly #now: () => number;
  readonly #timers: UpdaterTimers;
  readonly #entries = new Map<string, Entry>();
  #stopped = false;

  constructor(options: CoalescedMessageUpdaterOptions) {
    this.#api = options.api;
    this.#render = options.render;
    this.#logger = options.logger;
    this.#minIntervalMs = options.minIntervalMs ?? 1_000;
    this.#retryDelayMs = options.retryDelayMs ?? 5_000;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? DEFAULT_TIMERS;
  }

  /** Marks the message dirty; it is written as soon as the interval since its last edit allows. */
  request(key: string): void {
    if (this.#stopped) return;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { dirty: false, inFlight: null, timer: null, notBefore: Number.NEGATIVE_INFINITY, failures: 0 };
      this.#entries.set(key, entry);
    }
    entry.dirty = true;
    this.#schedule(key, entry);
  }

  /** True while the message has an edit waiting or running. */
  isPending(key: string): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && (entry.dirty || entry.inFlight !== null || entry.timer !== null);
  }

  /** Writes every dirty message now and resolves when no edit is waiting or running. */
  async flush(): Promise<void> {
    for (;;) {
      const running: Promise<void>[] = [];
      for (const entry of this.#entries.values()) {
        if (entry.timer !== null && entry.inFlight === null) entry.timer.fire();
        if (entry.inFlight !== null) running.push(entry.inFlight);
      }
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Clears every timer; edits already running finish, nothing new starts. */
  stop(): void {
    this.#stopped = true;
    for (const entry of this.#entries.values()) {
      if (entry.timer !== null) this.#timers.clearTimeout(entry.timer.handle);
      entry.timer = null;
      entry.dirty = false;
    }
  }

  /** Starts the edit when nothing runs and the time allows, otherwise sets a timer for it. */
  #schedule(key: string, entry: Entry): void {
    if (this.#stopped || entry.inFlight !== null || entry.timer !== null || !entry.dirty) return;
    const delay = Math.max(0, entry.notBefore - this.#now());
    if (delay === 0) {
      this.#start(key, entry);
      return;
    }
    const fire = (): void => {
      if (entry.timer === null) return;
      this.#timers.clearTimeout(entry.timer.handle);
      entry.timer = null;
      this.#start(key, entry);
    };
    entry.timer = { handle: this.#timers.setTimeout(fire, delay), fire };
  }

  #start(key: string, entry: Entry): void {
    if (this.#stopped || !entry.dirty) return;
    entry.dirty = false;
    entry.inFlight = this.#edit(key, entry).finally(() => {
      entry.inFlight = null;
      if (entry.dirty) this.#schedule(key, entry);
      else if (entry.timer === null && this.#now() >= entry.notBefore) this.#entries.delete(key);
    });
  }

  async #edit(key: string, entry: Entry): Promise<void> {
    try {
      const rendered = await this.#render(key);
      if (rendered === null) return;
      await this.#api.channels.editMessage(rendered.channelId, rendered.messageId, rendered.body);
      entry.notBefore = this.#now() + this.#minIntervalMs;
      entry.failures = 0;
    } catch (error) {
      entry.failures += 1;
      const code = error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
      const gone = code !== undefined && GONE_CODES.has(code);
      if (gone || entry.failures > 1) {
        entry.failures = 0;
        entry.notBefore = this.#now() + this.#minIntervalMs;
        this.#logger.error({ err: error, messageKey: key, code }, gone ? 'attendance message is gone; not editing it again' : 'attendance message edit failed twice; giving up until the next change');
        return;
      }
      this.#logger.warn({ err: error, messageKey: key, code }, 'attendance message edit failed; trying once more later');
      // Written again once this edit has cleared (`#start`'s `finally`), not before the retry delay.
      entry.dirty = true;
      entry.notBefore = this.#now() + Math.max(this.#minIntervalMs, this.#retryDelayMs);
    }
  }
}
