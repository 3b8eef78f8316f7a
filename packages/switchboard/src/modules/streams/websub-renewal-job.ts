/**
 * Renews YouTube WebSub subscriptions before their lease runs out (a lease lasts days at most, and a lapsed
 * one silently stops the notifications). Hourly, every YouTube watch whose lease ends within a day, or that
 * never got one confirmed, is subscribed again with the same callback and secret.
 */
import type { Job } from '../../jobs/job.ts';
import type { GoLiveService } from './go-live-service.ts';
import type { StreamPlatformClient } from './stream-platform.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type WebSubRenewalJobOptions = {
  service: Pick<GoLiveService, 'watches' | 'subscribeAtPlatform'>;
  youtube: StreamPlatformClient | undefined;
  delivery: 'webhooks' | 'polling';
  intervalMs?: number;
};

export function webSubRenewalJob(options: WebSubRenewalJobOptions): Job {
  return {
    name: 'stream-websub-renewal',
    intervalMs: options.intervalMs ?? HOUR_MS,
    async run({ now, signal }) {
      const client = options.youtube;
      if (!client || options.delivery !== 'webhooks') return { summary: 'YouTube webhooks are not in use' };
      let renewed = 0;
      const failures: string[] = [];
      for (const watch of await options.service.watches.watchesToRenew('youtube', now + DAY_MS)) {
        if (signal.aborted) break;
        try {
          await options.service.subscribeAtPlatform(client, watch);
          renewed++;
        } catch (error) {
          failures.push(`channel ${watch.streamerId}: ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) throw new Error(`${renewed} lease(s) renewed; ${failures.length} failed: ${failures.join('; ')}`);
      return { summary: `${renewed} lease(s) renewed` };
    },
  };
}
