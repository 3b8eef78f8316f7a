/**
 * The secret a platform signs a streamer's webhooks with (Twitch EventSub, YouTube WebSub): 32 random bytes
 * made when the hub starts watching the streamer, stored sealed with the SecretBox at
 * (stream_watches, webhook_secret, id). Sealed rather than derived from a key, so that rotating the
 * encryption keys re-encrypts it and the platforms' subscriptions keep verifying.
 */
import { randomBytes } from 'node:crypto';
import type { SecretBox, SecretPlace } from '../../security/secret-box.ts';
import type { StreamWatchRecord } from '../../storage/stream-watch-repository.ts';

export type WebhookSecrets = {
  /** A fresh secret for a new watch, sealed for its row. */
  seal(watchId: string): string;
  /** The watch's secret in the clear (hex, 64 characters; Twitch accepts 10–100). */
  open(watch: Pick<StreamWatchRecord, 'id' | 'sealedWebhookSecret'>): string;
};

const place = (watchId: string): SecretPlace => ({ table: 'stream_watches', column: 'webhook_secret', rowId: watchId });

export function webhookSecrets(box: SecretBox): WebhookSecrets {
  return {
    seal: (watchId) => box.encrypt(randomBytes(32).toString('hex'), place(watchId)),
    open: (watch) => box.decrypt(watch.sealedWebhookSecret, place(watch.id)),
  };
}
