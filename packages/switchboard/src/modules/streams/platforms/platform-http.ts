/**
 * The HTTP edge shared by the stream platform clients: one request with a timeout, failures turned
 * into `StreamPlatformError` (transient for network errors, timeouts, 5xx and 429), and JSON answers
 * checked against a zod schema before anything reads them.
 */
import type { z } from 'zod';
import { StreamPlatformError } from '../stream-platform.ts';
import type { StreamPlatformName } from '../stream-platform.ts';

export const PLATFORM_TIMEOUT_MS = 10_000;

export type PlatformRequest = {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Readonly<Record<string, string>>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Readonly<Record<string, string>>;
};

/** A response whose body has been read; the status is not judged yet. */
export type PlatformResponse = { status: number; text: string };

export type PlatformHttp = {
  readonly platform: StreamPlatformName;
  /** Sends the request; throws a transient `StreamPlatformError` only when no answer came back. */
  send(request: PlatformRequest): Promise<PlatformResponse>;
  /** Throws unless the status is 2xx, then parses and checks the JSON body. `what` names the call in errors. */
  readJson<T>(response: PlatformResponse, schema: z.ZodType<T>, what: string): T;
  /** The error for a response whose status the caller does not accept. */
  failure(response: PlatformResponse, what: string): StreamPlatformError;
};

export type PlatformHttpOptions = {
  platform: StreamPlatformName;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Statuses other than 5xx and 429 that mean "try later" on this platform (YouTube's quota 403). */
  transientWhen?: (response: PlatformResponse) => boolean;
};

const LABELS: Readonly<Record<StreamPlatformName, string>> = { twitch: 'Twitch', youtube: 'YouTube', kick: 'Kick' };

export function createPlatformHttp(options: PlatformHttpOptions): PlatformHttp {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? PLATFORM_TIMEOUT_MS;
  const label = LABELS[options.platform];

  async function send(request: PlatformRequest): Promise<PlatformResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    try {
      const response = await fetchImpl(request.url, { method: request.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      // The URL is left out of the message: YouTube's carries the API key.
      const reason = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'timed out' : 'could not be reached';
      throw new StreamPlatformError(options.platform, `${label} ${reason} (${request.method} ${new URL(request.url).pathname})`, {
        transient: true,
        status: null,
        cause: error,
      });
    }
  }

  function failure(response: PlatformResponse, what: string): StreamPlatformError {
    const transient = response.status >= 500 || response.status === 429 || (options.transientWhen?.(response) ?? false);
    const detail = platformMessage(response.text);
    return new StreamPlatformError(options.platform, `${label} refused ${what}: HTTP ${response.status}${detail === '' ? '' : ` (${detail})`}`, {
      transient,
      status: response.status,
    });
  }

  function readJson<T>(response: PlatformResponse, schema: z.ZodType<T>, what: string): T {
    if (response.status < 200 || response.status > 299) throw failure(response, what);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.text);
    } catch (error) {
      throw new StreamPlatformError(options.platform, `${label} answered ${what} with something that is not JSON`, {
        transient: false,
        status: response.status,
        cause: error,
      });
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue === undefined ? '' : `: ${issue.path.join('.') || '(root)'} ${issue.message}`;
      throw new StreamPlatformError(options.platform, `${label} answered ${what} in an unexpected shape${where}`, {
        transient: false,
        status: response.status,
        cause: checked.error,
      });
    }
    return checked.data;
  }

  return { platform: options.platform, send, readJson, failure };
}

/** The human-readable message in a platform's error body (Helix `message`, Google `error.message`, Kick `message`), shortened. */
function platformMessage(text: string): string {
  let message = '';
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const record = body as Record<string, unknown>;
      const nested = typeof record.error === 'object' && record.error !== null ? (record.error as Record<string, unknown>).message : undefined;
      const candidate = typeof nested === 'string' ? nested : record.message ?? record.error;
      if (typeof candidate === 'string') message = candidate;
    }
  } catch {
    message = text.includes('<') ? '' : text;
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/** `items` without repeats, cut into lists of at most `size`: platforms cap the ids per request. */
export function idBatches(items: readonly string[], size: number): string[][] {
  const unique = [...new Set(items)];
  const batches: string[][] = [];
  for (let start = 0; start < unique.length; start += size) batches.push(unique.slice(start, start + size));
  return batches;
}

/** `base` (trailing slashes ignored) + `path` + the query made of `params`, repeated names kept in order. */
export function endpoint(base: string, path: string, params: readonly (readonly [string, string])[] = []): string {
  const query = new URLSearchParams(params.map(([name, value]) => [name, value])).toString();
  return `${base.replace(/\/+$/, '')}${path}${query === '' ? '' : `?${query}`}`;
}

/**
 * Of `streams`, the ids of those no longer live according to `live` (streamer id → the stream live
 * now): the streamer is offline, or live with another stream. Shared by the polling platforms.
 */
export function streamsNoLongerLive(
  streams: readonly { streamerId: string; streamId: string }[],
  live: ReadonlyMap<string, { streamId: string }>,
): Set<string> {
  const ended = new Set<string>();
  for (const stream of streams) {
    if (live.get(stream.streamerId)?.streamId !== stream.streamId) ended.add(stream.streamId);
  }
  return ended;
}
