/**
 * The one shared bot status: polled every 10 s by a provider near the root, read by the header badge and
 * the status page alike (one request stream, one truth), with refresh() for the manual button.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { BotStatus } from '../api/api-types.ts';
import { useApiResource } from './use-api.ts';
import type { Polled } from './use-polling.ts';

export const BOT_STATUS_INTERVAL_MS = 10_000;

const BotStatusContext = createContext<Polled<BotStatus> | null>(null);

export function BotStatusProvider({ children }: { children: ReactNode }) {
  const status = useApiResource<BotStatus>('/api/v1/status', BOT_STATUS_INTERVAL_MS);
  return <BotStatusContext.Provider value={status}>{children}</BotStatusContext.Provider>;
}

export function useBotStatus(): Polled<BotStatus> {
  const value = useContext(BotStatusContext);
  if (!value) throw new Error('useBotStatus must be used inside BotStatusProvider');
  return value;
}
