/**
 * A client for the parts of Kaltura's REST API v3 that meetings use: schedule resources (a Kaltura
 * Meetings room is a resource tagged `vcprovider:newrow`), schedule events and the link between them.
 * Requests are `POST <serviceUrl>/api_v3/service/<service>/action/<action>` with a JSON body carrying the
 * KS and `format: 1`; Kaltura answers errors with HTTP 200 and a `KalturaAPIException` object, which
 * becomes a `KalturaError` here. The admin KS is made locally (kaltura-session.ts) and reused until
 * shortly before it expires.
 */
import { z } from 'zod';
import { createKalturaSession, KS_TYPE } from './kaltura-session.ts';

export type KalturaClientOptions = {
  serviceUrl: string;
  partnerId: number;
  adminSecret: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
  timeoutMs?: number;
};

/** Kaltura refused or could not be reached. `transient`: trying again later may work. */
export class KalturaError extends Error {
  readonly code: string;
  readonly transient: boolean;

  constructor(message: string, details: { code: string; transient: boolean; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'KalturaError';
    this.code = details.code;
    this.transient = details.transient;
  }
}

const ADMIN_KS_SECONDS = 60 * 60;
const ADMIN_KS_RENEW_BEFORE_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 10_000;

const apiException = z.object({ objectType: z.literal('KalturaAPIException'), code: z.string(), message: z.string() });
const withId = z.object({ id: z.number().int() }).loose();

export type MeetingRoomInput = { name: string; description: string; tags: readonly string[] };
export type ScheduleEventInput = { summary: string; startDate: number; endDate: number };

export class KalturaClient {
  readonly partnerId: number;
  readonly #options: KalturaClientOptions;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #adminKs: { ks: string; expiresAt: number } | undefined;

  constructor(options: KalturaClientOptions) {
    this.#options = options;
    this.partnerId = options.partnerId;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
  }

  /** A KS for one member: `privileges` carry the room and the role; expires after `expirySeconds`. */
  userSession(userId: string, privileges: string, expirySeconds: number): string {
    return createKalturaSession({
      adminSecret: this.#options.adminSecret,
      partnerId: this.partnerId,
      userId,
      type: KS_TYPE.user,
      expirySeconds,
      privileges,
      now: this.#now(),
    });
  }

  /** Creates a room (a schedule resource); returns its id. */
  async createRoom(input: MeetingRoomInput): Promise<number> {
    const created = await this.#call('schedule_scheduleresource', 'add', {
      scheduleResource: { objectType: 'KalturaLocationScheduleResource', name: input.name, description: input.description, tags: input.tags.join(',') },
    });
    return withId.parse(created).id;
  }

  async deleteRoom(resourceId: number): Promise<void> {
    await this.#call('schedule_scheduleresource', 'delete', { scheduleResourceId: resourceId });
  }

  /** Creates a schedule event in the room; returns its id. Times are milliseconds since the epoch. */
  async createEvent(resourceId: number, input: ScheduleEventInput): Promise<number> {
    const event = await this.#call('schedule_scheduleevent', 'add', {
      scheduleEvent: {
        objectType: 'KalturaMeetingScheduleEvent',
        summary: input.summary,
        startDate: Math.floor(input.startDate / 1000),
        endDate: Math.floor(input.endDate / 1000),
        recurrenceType: 0,
      },
    });
    const eventId = withId.parse(event).id;
    await this.#call('schedule_scheduleeventresource', 'add', {
      scheduleEventResource: { objectType: 'KalturaScheduleEventResource', eventId, resourceId },
    });
    return eventId;
  }

  async cancelEvent(eventId: number): Promise<void> {
    await this.#call('schedule_scheduleevent', 'cancel', { scheduleEventId: eventId });
  }

  #adminSession(): string {
    const now = this.#now();
    if (this.#adminKs && this.#adminKs.expiresAt - ADMIN_KS_RENEW_BEFORE_MS > now) return this.#adminKs.ks;
    const ks = createKalturaSession({
      adminSecret: this.#options.adminSecret,
      partnerId: this.partnerId,
      userId: 'switchboard',
      type: KS_TYPE.admin,
      expirySeconds: ADMIN_KS_SECONDS,
      privileges: 'disableentitlement',
      now,
    });
    this.#adminKs = { ks, expiresAt: now + ADMIN_KS_SECONDS * 1000 };
    return ks;
  }

  async #call(service: string, action: string, params: Record<string, unknown>): Promise<unknown> {
    const url = `${this.#options.serviceUrl.replace(/\/+$/, '')}/api_v3/service/${service}/action/${action}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ...params, ks: this.#adminSession(), format: 1 }),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new KalturaError(`Kaltura could not be reached (${service}.${action})`, { code: 'UNREACHABLE', transient: true, cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new KalturaError(`Kaltura answered HTTP ${response.status} to ${service}.${action}`, { code: `HTTP_${response.status}`, transient: response.status >= 500 || response.status === 429 });
    }
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch (error) {
      throw new KalturaError(`Kaltura answered ${service}.${action} with something other than JSON`, { code: 'BAD_RESPONSE', transient: true, cause: error });
    }
    const exception = apiException.safeParse(body);
    if (exception.success) {
      throw new KalturaError(`Kaltura refused ${service}.${action}: ${exception.data.message}`, { code: exception.data.code, transient: false });
    }
    return body;
  }
}
