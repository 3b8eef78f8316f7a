/**
 * useApi: the hub's API with this session's CSRF token; useApiResource: a GET read through usePolling;
 * useAction: a change with its pending state and its error (`{ code, message, details }`) for the form.
 */
import { useCallback, useMemo, useState } from 'react';
import { apiRequest, ApiRequestError, type ApiRequest } from '../api/api-client.ts';
import { useSession } from '../session/session-context.tsx';
import { usePolling, type Polled } from './use-polling.ts';

export type Api = {
  get: <T>(path: string, signal?: AbortSignal) => Promise<T>;
  send: <T>(method: NonNullable<ApiRequest['method']>, path: string, body?: unknown, contentType?: string) => Promise<T>;
};

export function useApi(): Api {
  const { me } = useSession();
  const csrfToken = me?.csrfToken ?? null;
  return useMemo<Api>(
    () => ({
      get: <T,>(path: string, signal?: AbortSignal) => apiRequest<T>(path, signal ? { signal } : {}),
      send: <T,>(method: NonNullable<ApiRequest['method']>, path: string, body?: unknown, contentType?: string) =>
        apiRequest<T>(path, { method, body, csrfToken, ...(contentType ? { contentType } : {}) }),
    }),
    [csrfToken],
  );
}

/** GET `path` (null: nothing to load yet), once or every `intervalMs`. */
export function useApiResource<T>(path: string | null, intervalMs: number | null = null): Polled<T> {
  return usePolling<T>((signal) => apiRequest<T>(path ?? '', { signal }), intervalMs, path);
}

export type Action = {
  pending: boolean;
  error: ApiRequestError | null;
  /** Runs the change; resolves with its result, or undefined when it failed (the error is kept). */
  run: <T>(change: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
};

export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const run = useCallback(async <T,>(change: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await change();
    } catch (caught) {
      setError(caught instanceof ApiRequestError ? caught : new ApiRequestError(0, { code: 'unexpected', message: caught instanceof Error ? caught.message : String(caught) }));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { pending, error, run, clear };
}
