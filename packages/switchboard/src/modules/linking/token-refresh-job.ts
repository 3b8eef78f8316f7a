/**
 * Keeps linked connections' access tokens fresh: every 5 minutes, each connection whose token expires
 * within 15 minutes is refreshed once, whatever the number of instances. Each connection is claimed by a
 * conditional update of `next_refresh_attempt_at` before the provider is called, so two instances never
 * refresh it both (which would burn a rotating refresh token). The new access token and the refresh token
 * the provider answered with (rotated or not) are written by one statement. `invalid_grant` marks the
 * connection for relinking and tells the member once; any other failure backs off 1, 2, 4 … minutes,
 * capped at an hour.
 */
import type { Job } from '../../jobs/job.ts';
import { isInvalidGrant } from './providers/oauth-provider-client.ts';
import type { OAuthProviderClient } from './providers/oauth-provider-client.ts';
import { DEFAULT_REFRESH_WINDOW_MS } from './connection-store.ts';
import type { ConnectionStore, LinkedConnection } from './connection-store.ts';

export const TOKEN_REFRESH_INTERVAL_MS = 5 * 60_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export type TokenRefreshJobOptions = {
  /** Told once per dead grant; the member should link the account again. */
  onRelinkNeeded(connection: LinkedConnection): void | Promise<void>;
  /** Refresh tokens expiring within this (default 15 minutes). */
  windowMs?: number;
  /** How long a claim holds a connection while its refresh runs (default 5 minutes). */
  claimMs?: number;
  /** Told the outcome of every refresh attempted (for metrics). */
  onOutcome?: (platform: LinkedConnection['platform'], outcome: 'refreshed' | 'relink' | 'failed') => void;
};

/** The wait after the `failures`-th failure in a row: 1, 2, 4 … minutes, at most an hour. */
export function refreshBackoffMs(failures: number): number {
  const exponent = Math.max(0, failures - 1);
  return exponent >= 6 ? HOUR_MS : Math.min(HOUR_MS, MINUTE_MS * 2 ** exponent);
}

/** What the job needs of the OAuth client. */
export type RefreshClient = Pick<OAuthProviderClient, 'refresh'>;

export function tokenRefreshJob(store: ConnectionStore, client: RefreshClient, options: TokenRefreshJobOptions): Job {
  const windowMs = options.windowMs ?? DEFAULT_REFRESH_WINDOW_MS;
  const claimMs = options.claimMs ?? TOKEN_REFRESH_INTERVAL_MS;
  return {
    name: 'linking.token-refresh',
    intervalMs: TOKEN_REFRESH_INTERVAL_MS,
    async run({ now, signal }) {
      const counts = { refreshed: 0, relink: 0, failed: 0, skipped: 0, notifyFailed: 0 };
      for (const due of await store.dueForRefresh(now, windowMs)) {
        if (signal.aborted) break;
        const claim = await store.claimRefresh(due.id, now, claimMs, windowMs);
        if (!claim) {
          counts.skipped++;
          continue;
        }
        let result: Awaited<ReturnType<RefreshClient['refresh']>>;
        try {
          result = await client.refresh(claim.connection.platform, claim.refreshToken);
        } catch {
          // Transient or not (a misconfigured client), retrying later is all that can be done here.
          await store.recordRefreshFailure(claim, (failures) => now + refreshBackoffMs(failures), now);
          counts.failed++;
          options.onOutcome?.(claim.connection.platform, 'failed');
          continue;
        }
        if (isInvalidGrant(result)) {
          counts.relink++;
          options.onOutcome?.(claim.connection.platform, 'relink');
          const notify = await store.recordRelinkNeeded(claim, now);
          if (notify) {
            // The notice is recorded before the member is told: told at most once, even if this throws.
            try {
              await options.onRelinkNeeded(notify);
            } catch {
              counts.notifyFailed++;
            }
          }
          continue;
        }
        if (await store.recordRefreshed(claim, result, now)) {
          counts.refreshed++;
          options.onOutcome?.(claim.connection.platform, 'refreshed');
        } else counts.skipped++;
      }
      return { summary: `${counts.refreshed} refreshed, ${counts.relink} need relinking, ${counts.failed} failed, ${counts.skipped} skipped${counts.notifyFailed > 0 ? `, ${counts.notifyFailed} relink notices failed` : ''}` };
    },
  };
}
