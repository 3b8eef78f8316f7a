/**
 * Forgets webhook message ids after 15 minutes: past the platforms' ten-minute replay window a redelivered
 * message is refused by its timestamp, so its id need not be remembered any longer.
 */
import type { Job } from '../../jobs/job.ts';
import type { StreamAnnouncementRepository } from '../../storage/stream-announcement-repository.ts';

export const WEBHOOK_MESSAGE_RETENTION_MS = 15 * 60_000;

export function webhookMessageCleanupJob(announcements: Pick<StreamAnnouncementRepository, 'forgetWebhookMessagesBefore'>, intervalMs = 5 * 60_000): Job {
  return {
    name: 'stream-webhook-message-cleanup',
    intervalMs,
    async run({ now }) {
      const forgotten = await announcements.forgetWebhookMessagesBefore(now - WEBHOOK_MESSAGE_RETENTION_MS);
      return { summary: `${forgotten} webhook message id(s) forgotten` };
    },
  };
}
