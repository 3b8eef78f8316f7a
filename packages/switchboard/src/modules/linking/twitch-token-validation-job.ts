/**
 * Hourly check of every linked Twitch account's access token against Twitch's validate endpoint, which
 * Twitch requires of apps that keep user tokens. 200: valid. 401: the token is dead (revoked, or a
 * password change): its expiry is set to now, so the refresh job renews it on its next run, or finds the
 * grant dead and asks the member to link again. Anything else (5xx, timeout) is counted and changes
 * nothing; the next hour tries again. The scheduler's lease runs it on one instance at a time.
 */
import type { Job } from '../../jobs/job.ts';
import type { ConnectionStore } from './connection-store.ts';

export const TWITCH_VALIDATION_INTERVAL_MS = 60 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

export type TwitchValidationOutcome = 'valid' | 'invalid' | 'failed';

export type TwitchTokenValidationJobOptions = {
  /** Twitch's validate endpoint (`https://id.twitch.tv/oauth2/validate`, or the override's). */
  endpoint: string;
  fetch?: typeof fetch;
  onOutcome?: (outcome: TwitchValidationOutcome) => void;
};

export function twitchTokenValidationJob(store: Pick<ConnectionStore, 'listWithAccessTokens' | 'markAccessTokenExpired'>, options: TwitchTokenValidationJobOptions): Job {
  const doFetch = options.fetch ?? fetch;
  return {
    name: 'linking.twitch-token-validation',
    intervalMs: TWITCH_VALIDATION_INTERVAL_MS,
    timeoutMs: 30 * 60_000,
    async run({ now, signal }) {
      const counts: Record<TwitchValidationOutcome, number> = { valid: 0, invalid: 0, failed: 0 };
      const count = (outcome: TwitchValidationOutcome) => {
        counts[outcome]++;
        options.onOutcome?.(outcome);
      };
      for (const connection of await store.listWithAccessTokens('twitch')) {
        if (signal.aborted) break;
        // A dead grant waits for the member to link again; its token cannot come back.
        if (connection.needsRelinkAt !== null) continue;
        let status: number;
        try {
          const response = await doFetch(options.endpoint, {
            headers: { authorization: `OAuth ${connection.accessToken}` },
            signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
          });
          status = response.status;
          await response.body?.cancel();
        } catch {
          count('failed');
          continue;
        }
        if (status === 200) count('valid');
        else if (status === 401) {
          await store.markAccessTokenExpired(connection.id, now);
          count('invalid');
        } else count('failed');
      }
      return { summary: `${counts.valid} Twitch tokens valid, ${counts.invalid} invalid (to be refreshed), ${counts.failed} could not be checked` };
    },
  };
}
