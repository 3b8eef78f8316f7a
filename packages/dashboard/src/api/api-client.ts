/**
 * The one way the dashboard talks to the hub: fetch with the session cookie, the CSRF header on changes,
 * the `{ version, data }` envelope unwrapped, and every failure turned into an ApiRequestError carrying the
 * hub's `{ code, message, details }` (or a plain-words stand-in when the hub could not be reached).
 */

export type ApiErrorShape = { code: string; message: string; details?: unknown };

export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, error: ApiErrorShape) {
    super(error.message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = error.code;
    this.details = error.details;
  }
}

export type ApiRequest = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Sent as X-CSRF-Token; the hub refuses a change made with the session cookie without it. */
  csrfToken?: string | null;
  contentType?: string;
  signal?: AbortSignal;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the error envelope when there is one, else says what the status means in plain words. */
export function errorFromBody(status: number, body: unknown): ApiRequestError {
  if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string' && typeof body.error.message === 'string') {
    return new ApiRequestError(status, { code: body.error.code, message: body.error.message, details: body.error.details });
  }
  return new ApiRequestError(status, { code: `http_${status}`, message: `The hub answered ${status} without an explanation.` });
}

/** The `data` of a success envelope (or the body itself when it is not an envelope). */
export function dataFromBody<T>(body: unknown): T {
  if (isRecord(body) && 'data' in body && 'version' in body) return body.data as T;
  return body as T;
}

function jsonOrUndefined(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // An error page from a proxy, say: the status alone then tells what happened.
    return undefined;
  }
}

export async function apiRequest<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const method = request.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && request.csrfToken) headers['x-csrf-token'] = request.csrfToken;
  const hasBody = request.body !== undefined;
  if (hasBody) headers['content-type'] = request.contentType ?? 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiRequestError(0, { code: 'network_error', message: 'The hub could not be reached. Check that it is running.' });
  }
  if (response.status === 204) return undefined as T;
  const body = jsonOrUndefined(await response.text());
  if (!response.ok) throw errorFromBody(response.status, body);
  return dataFromBody<T>(body);
}

/** Plain text from the hub (a transcript, say): the body as it is, errors as for apiRequest. */
export async function apiText(path: string, signal?: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...(signal ? { signal } : {}) });
  } catch {
    throw new ApiRequestError(0, { code: 'network_error', message: 'The hub could not be reached. Check that it is running.' });
  }
  const text = await response.text();
  if (!response.ok) throw errorFromBody(response.status, jsonOrUndefined(text));
  return text;
}

/** `{ path, message }` problems from a 400/422, keyed by setting or field path (a leading `body.` dropped). */
export function problemsByPath(error: unknown): Map<string, string> {
  const problems = new Map<string, string>();
  if (!(error instanceof ApiRequestError) || !Array.isArray(error.details)) return problems;
  for (const detail of error.details as unknown[]) {
    if (!isRecord(detail) || typeof detail.path !== 'string' || typeof detail.message !== 'string') continue;
    const path = detail.path.replace(/^(body|querystring|params)\.?/, '');
    const before = problems.get(path);
    problems.set(path, before ? `${before}; ${detail.message}` : detail.message);
  }
  return problems;
}

/** A query string from the defined values only. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
