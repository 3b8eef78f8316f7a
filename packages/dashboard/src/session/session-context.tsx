/**
 * Who is signed in: GET /api/v1/me once at start (401 means nobody), kept for every page, with the CSRF
 * token changes need, and signing out (POST /auth/logout with that token).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiRequest, ApiRequestError } from '../api/api-client.ts';
import type { Me } from '../api/api-types.ts';

type SessionState = { phase: 'loading' } | { phase: 'signed-out' } | { phase: 'signed-in'; me: Me } | { phase: 'failed'; error: ApiRequestError };

type SessionValue = {
  state: SessionState;
  me: Me | null;
  reload: () => Promise<void>;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ phase: 'loading' });

  const reload = useCallback(async () => {
    try {
      const me = await apiRequest<Me>('/api/v1/me');
      setState({ phase: 'signed-in', me });
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 401) setState({ phase: 'signed-out' });
      else setState({ phase: 'failed', error: error instanceof ApiRequestError ? error : new ApiRequestError(0, { code: 'unexpected', message: String(error) }) });
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const me = state.phase === 'signed-in' ? state.me : null;

  const signOut = useCallback(async () => {
    try {
      await apiRequest<void>('/auth/logout', { method: 'POST', csrfToken: me?.csrfToken ?? null });
    } finally {
      setState({ phase: 'signed-out' });
    }
  }, [me]);

  const value = useMemo(() => ({ state, me, reload, signOut }), [state, me, reload, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside SessionProvider');
  return value;
}

/** Whether this session may change things (a viewer token session reads only). */
export function canChange(me: Me | null): boolean {
  return me !== null && me.role !== 'viewer';
}
