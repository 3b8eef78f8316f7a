/**
 * Puts go-live notifications together: a client for each platform the hub is set up for, the go-live
 * service on the hub's database, the webhook receiver, the Discord module and the jobs.
 */
import type { API } from '@discordjs/core';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { StreamsConfig } from '../../config/environment.ts';
import type { Job } from '../../jobs/job.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import type { Tables } from '../../storage/schema.ts';
import { createGoLiveService, type GoLiveService } from './go-live-service.ts';
import type { AppApiOptions } from './platforms/app-access-token.ts';
import { createKickStreamClient } from './platforms/kick-stream-client.ts';
import { createTwitchStreamClient } from './platforms/twitch-stream-client.ts';
import { createYouTubeStreamClient } from './platforms/youtube-stream-client.ts';
import { streamPollJob } from './stream-poll-job.ts';
import { createStreamWebhookReceiver, type StreamWebhookClients, type StreamWebhookReceiver, type WebhookOutcome } from './stream-webhook-receiver.ts';
import { createStreamsModule } from './streams-module.ts';
import type { HubModule } from '../hub-module.ts';
import type { StreamPlatformName } from './stream-platform.ts';
import { webhookMessageCleanupJob } from './webhook-message-cleanup-job.ts';
import { webhookSecrets } from './webhook-secret.ts';
import { webSubRenewalJob } from './websub-renewal-job.ts';

/** An app's client credentials and where its tokens come from (the composition root knows the OAuth table). */
export type StreamAppCredentials = Pick<AppApiOptions, 'clientId' | 'clientSecret' | 'tokenUrl'>;

export type StreamsFeature = {
  module: HubModule;
  service: GoLiveService;
  receiver: StreamWebhookReceiver;
  jobs: Job[];
};

export function createStreamsFeature(options: {
  db: Kysely<Tables>;
  api: () => API | undefined;
  logger: Logger;
  /** Seals each watch's webhook secret. */
  secrets: SecretBox;
  publicUrl: string;
  settings: StreamsConfig;
  /** Set when Twitch app credentials are configured. */
  twitch?: StreamAppCredentials;
  /** Set when Kick app credentials are configured. */
  kick?: StreamAppCredentials;
  metrics?: {
    recordStreamWebhook(platform: StreamPlatformName, outcome: WebhookOutcome): void;
    recordStreamAnnouncement(platform: StreamPlatformName, kind: 'posted' | 'ended' | 'failed'): void;
  };
  /** Tests point the clients at fakes through the URLs; this replaces the network call itself. */
  fetch?: typeof fetch;
}): StreamsFeature {
  const { settings, logger } = options;
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  const clients: StreamWebhookClients = {
    ...(options.twitch ? { twitch: createTwitchStreamClient({ ...options.twitch, apiUrl: settings.twitchApiUrl, ...fetchOption }) } : {}),
    ...(options.kick ? { kick: createKickStreamClient({ ...options.kick, apiUrl: settings.kickApiUrl, ...fetchOption }) } : {}),
    ...(settings.youtubeApiKey
      ? { youtube: createYouTubeStreamClient({ apiKey: settings.youtubeApiKey, apiUrl: settings.youtubeApiUrl, hubUrl: settings.youtubeWebSubHubUrl, ...fetchOption }) }
      : {}),
  };
  const secrets = webhookSecrets(options.secrets);
  const service = createGoLiveService({
    db: options.db,
    clients,
    api: options.api,
    delivery: settings.delivery,
    publicUrl: options.publicUrl,
    secrets,
    logger,
    onAnnouncement: (platform, kind) => options.metrics?.recordStreamAnnouncement(platform, kind),
  });
  const receiver = createStreamWebhookReceiver({
    service,
    clients,
    secrets,
    ...(settings.kickPublicKey ? { kickPublicKey: settings.kickPublicKey } : {}),
    logger,
    record: (platform, outcome) => options.metrics?.recordStreamWebhook(platform, outcome),
  });
  const module = createStreamsModule({ streams: service });
  return {
    module,
    service,
    receiver,
    jobs: [
      streamPollJob({ service, clients, delivery: settings.delivery, intervalMs: settings.pollIntervalMs }),
      webSubRenewalJob({ service, youtube: clients.youtube, delivery: settings.delivery }),
      webhookMessageCleanupJob(service.announcements),
    ],
  };
}
