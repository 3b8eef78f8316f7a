/**
 * usePolling: run a load now and again every `intervalMs` (never two at once; paused while the tab is
 * hidden), keeping the last good data beside the last error. A new `key` starts over; `refresh()` loads now.
 * Every read of the dashboard goes through this hook, polled or not (`intervalMs` null loads once).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiRequestError } from '../api/api-client.ts';

export type Polled<T> = {
  data: T | undefined;
  error: ApiRequestError | null;
  loading: boolean;
  /** When the data last arrived (ms since the epoch). */
  updatedAt: number | null;
  refresh: () => void;
};

type State<T> = { key: string | null; data: T | undefined; error: ApiRequestError | null; loading: boolean; updatedAt: number | null };

function asApiError(error: unknown): ApiRequestError {
  if (error instanceof ApiRequestError) return error;
  return new ApiRequestError(0, { code: 'unexpected', message: error instanceof Error ? error.message : String(error) });
}

export function usePolling<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number | null, key: string | null): Polled<T> {
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<State<T>>({ key, data: undefined, error: null, loading: key !== null, updatedAt: null });

  useEffect(() => {
    if (key === null) {
      setState({ key, data: undefined, error: null, loading: false, updatedAt: null });
      return;
    }
    const controller = new AbortController();
    let timer: number | undefined;
    let stopped = false;

    const schedule = () => {
      if (stopped || intervalMs === null) return;
      timer = window.setTimeout(run, intervalMs);
    };

    async function run(): Promise<void> {
      if (stopped) return;
      // A hidden tab keeps its data and looks again when it is next due and visible.
      if (intervalMs !== null && document.hidden) return schedule();
      setState((before) => (before.key === key ? { ...before, loading: true } : { key, data: undefined, error: null, loading: true, updatedAt: null }));
      try {
        const data = await loadRef.current(controller.signal);
        if (stopped) return;
        setState({ key, data, error: null, loading: false, updatedAt: Date.now() });
      } catch (error) {
        if (stopped || controller.signal.aborted) return;
        setState((before) => ({ ...(before.key === key ? before : { data: undefined, updatedAt: null }), key, error: asApiError(error), loading: false }));
      }
      schedule();
    }

    void run();
    return () => {
      stopped = true;
      controller.abort();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [key, intervalMs, tick]);

  const refresh = useCallback(() => setTick((value) => value + 1), []);
  const current = state.key === key ? state : { data: undefined, error: null, loading: key !== null, updatedAt: null };
  return { data: current.data, error: current.error, loading: current.loading, updatedAt: current.updatedAt, refresh };
}
