/** Whether an app is online, stale or offline, from its last heartbeat. Pure. */
export type AppLiveness = 'online' | 'stale' | 'offline';

/** How often apps are asked to heartbeat. */
export const APP_HEARTBEAT_INTERVAL_MS = 30_000;
/** Missing three beats makes an app stale; ten, offline (its events wait for it). */
export const APP_STALE_AFTER_MS = 3 * APP_HEARTBEAT_INTERVAL_MS;
export const APP_OFFLINE_AFTER_MS = 10 * APP_HEARTBEAT_INTERVAL_MS;

export function appLiveness(lastHeartbeatAt: number | null, now: number): AppLiveness {
  if (lastHeartbeatAt === null) return 'offline';
  const age = now - lastHeartbeatAt;
  if (age <= APP_STALE_AFTER_MS) return 'online';
  if (age <= APP_OFFLINE_AFTER_MS) return 'stale';
  return 'offline';
}
