/**
 * One request to the hub's API: bearer token, JSON body, a time limit per attempt, the answer envelope
 * unwrapped (`data` returned, `error` thrown as a `SwitchboardError`), and retries for idempotent calls.
 */
import { SwitchboardError, SwitchboardNetworkError, SwitchboardTimeoutError } from './errors.ts';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelay, type RetryPolicy } from './retry.ts';

export interface TransportOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path under `/api/v1`, with its segments already encoded. */
  path: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Safe to send twice: only these are retried. */
  idempotent: boolean;
  /** Cancels the request (and any wait before a retry). */
  signal?: AbortSignal | undefined;
}

export type Requester = <T>(request: ApiRequest) => Promise<T>;

export const DEFAULT_TIMEOUT_MS = 10_000;
const USER_AGENT = 'switchboard-sdk/0.1.0';

/** Builds the function every client call goes through. */
export function createRequester(options: TransportOptions): Requester {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };

  return async function request<T>(req: ApiRequest): Promise<T> {
    const url = new URL(base + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }

    for (let retry = 0; ; retry++) {
      const answer = await attempt(doFetch, url, { method: req.method, headers, body }, timeoutMs, req.signal);
      if (answer.ok) return answer.data as T;
      const wait = req.idempotent && isRetryableStatus(answer.error.status)
        ? retryDelay(policy, retry, parseRetryAfter(answer.retryAfter))
        : undefined;
      if (wait === undefined) throw answer.error;
      await sleep(wait, req.signal);
    }
  };
}

type Attempt = { ok: true; data: unknown } | { ok: false; error: SwitchboardError; retryAfter: string | null };

async function attempt(
  doFetch: typeof fetch,
  url: URL,
  init: { method: string; headers: Record<string, string>; body: string | undefined },
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal === undefined ? timeout : AbortSignal.any([timeout, callerSignal]);
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, { ...init, signal });
    text = await response.text();
  } catch (error) {
    if (callerSignal?.aborted === true) throw callerSignal.reason;
    if (timeout.aborted) {
      throw new SwitchboardTimeoutError(`${init.method} ${url.pathname}: no answer within ${timeoutMs} ms`, timeoutMs);
    }
    throw new SwitchboardNetworkError(`${init.method} ${url.pathname}: ${describe(error)}`, error);
  }
  return readEnvelope(response, text, `${init.method} ${url.pathname}`);
}

function readEnvelope(response: Response, text: string, what: string): Attempt {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const retryAfter = response.headers.get('retry-after');
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isObject(parsed) && isObject(parsed.error) && typeof parsed.error.code === 'string') {
    const message = typeof parsed.error.message === 'string' ? parsed.error.message : parsed.error.code;
    const extra = { details: parsed.error.details, ...(requestId === undefined ? {} : { requestId }) };
    return { ok: false, error: new SwitchboardError(response.status, parsed.error.code, message, extra), retryAfter };
  }
  if (response.ok && isObject(parsed) && 'data' in parsed) return { ok: true, data: parsed.data };
  const code = response.ok ? 'invalid_response' : 'http_error';
  const message = `${what}: HTTP ${response.status}, ${response.ok ? 'an answer without `data`' : 'not an error envelope'}`;
  return { ok: false, error: new SwitchboardError(response.status, code, message, requestId === undefined ? {} : { requestId }), retryAfter };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the socket error in `cause` (ECONNREFUSED, ENOTFOUND, …): that is the useful part.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
