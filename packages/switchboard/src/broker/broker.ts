/**
 * Puts the broker together: the outbox and its delivery workers, the in-memory app directory, the channel
 * directory, what apps do through the hub, the direct path for interactions and assistant messages, the
 * assistant relay, and the broker's module.
 */
import type { API } from '@discordjs/core';
import type { Logger } from 'pino';
import type { Job } from '../jobs/job.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { AppRepository } from '../storage/app-repository.ts';
import type { Database } from '../storage/database.ts';
import { enqueueEvent, WebhookRepository } from '../storage/webhook-repository.ts';
import { newEventId, type WebhookEventType } from './webhook-event.ts';
import { ChannelDirectory } from '../discord/channel-directory.ts';
import type { HubModule } from '../modules/hub-module.ts';
import type { RateLimiter, RateLimitRule } from '../rate-limit/rate-limiter.ts';
import { ConversationRepository, conversationRetentionJob } from '../storage/conversation-repository.ts';
import { AppDirectory } from './app-directory.ts';
import { AppMessenger } from './app-messenger.ts';
import type { AppRegistry } from './app-registry.ts';
import { AssistantRelay } from './assistant-relay.ts';
import { APP_OFFLINE_AFTER_MS } from './app-status.ts';
import { createBrokerModule } from './broker-module.ts';
import { DeliveryService, eventRetentionJob } from './delivery-service.ts';
import { DeliveryWorker, type AttemptReport } from './delivery-worker.ts';
import { DirectDelivery } from './direct-delivery.ts';
import type { UrlPolicy } from './outgoing-url-policy.ts';

export type BrokerOptions = {
  database: Database;
  secrets: SecretBox;
  apps: AppRegistry;
  appRepository: AppRepository;
  instanceId: string;
  urlPolicy: UrlPolicy;
  /** Shrinks the retry schedule (tests); 1 in production. */
  retryScale: number;
  /** Webhook deliveries in flight on this instance, and of one app on all instances (defaults: the worker's). */
  deliveryConcurrency?: { perInstance: number; perApp: number };
  logger: Logger;
  api: () => API;
  applicationId: () => string;
  botUserId: () => string | undefined;
  /** The hub's per-user limiter and rule; relayed assistant messages count against it (key `relay:<userId>`). */
  rateLimiter: RateLimiter;
  userRateLimit: RateLimitRule;
  /** Told of every webhook delivery attempt the worker makes (metrics). */
  onDeliveryAttempt?: (report: AttemptReport) => void;
};

export type Broker = {
  module: HubModule;
  deliveries: DeliveryService;
  messenger: AppMessenger;
  channels: ChannelDirectory;
  jobs: Job[];
  /** Reloads the app directory (after a registry change). */
  appsChanged(): Promise<void>;
  /** Queues an event for an app when it subscribed to that type (a module's news for the app that started something). */
  notifyApp(appId: string, type: WebhookEventType, guildId: string | null, data: unknown): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export function createBroker(options: BrokerOptions): Broker {
  const { database, logger } = options;
  const webhooks = new WebhookRepository(database.db, database.dialect);
  const deliveries = new DeliveryService({ repository: webhooks });
  const worker = new DeliveryWorker({
    repository: webhooks,
    secretBox: options.secrets,
    logger: logger.child({ component: 'deliveries' }),
    instanceId: options.instanceId,
    urlPolicy: options.urlPolicy,
    retry: { scale: options.retryScale },
    offlineAfterMs: APP_OFFLINE_AFTER_MS,
    ...(options.deliveryConcurrency ? { concurrency: options.deliveryConcurrency.perInstance, perAppConcurrency: options.deliveryConcurrency.perApp } : {}),
    ...(options.onDeliveryAttempt ? { onAttempt: options.onDeliveryAttempt } : {}),
  });
  const directory = new AppDirectory(options.appRepository);
  const channels = new ChannelDirectory(options.api);
  const messenger = new AppMessenger({ api: options.api, applicationId: options.applicationId, ownership: options.appRepository, channels });
  const direct = new DirectDelivery({
    db: database.db,
    webhooks,
    apps: options.apps,
    urlPolicy: options.urlPolicy,
    instanceId: options.instanceId,
    logger: logger.child({ component: 'deliveries' }),
  });
  const conversations = new ConversationRepository(database.db);
  const relay = new AssistantRelay({
    api: options.api,
    db: database.db,
    directory,
    apps: options.appRepository,
    conversations,
    direct,
    rateLimiter: options.rateLimiter,
    rateLimit: options.userRateLimit,
    botUserId: options.botUserId,
    logger: logger.child({ component: 'assistant' }),
  });
  const module = createBrokerModule({
    db: database.db,
    directory,
    ownership: options.appRepository,
    direct,
    messenger,
    relay,
    logger: logger.child({ component: 'broker' }),
    botUserId: options.botUserId,
    onEnqueued: () => worker.wake(),
  });
  return {
    module,
    deliveries,
    messenger,
    channels,
    jobs: [eventRetentionJob(webhooks), conversationRetentionJob(conversations)],
    appsChanged: () => directory.refresh(),
    async notifyApp(appId, type, guildId, data) {
      const app = directory.get(appId);
      if (!app || !app.events.includes(type)) return;
      await enqueueEvent(database.db, { id: newEventId(), appId, type, guildId, payload: data, now: Date.now() });
      worker.wake();
    },
    async start() {
      await directory.refresh();
      directory.start((error) => logger.warn({ err: error }, 'could not reload the app directory; keeping the last one'));
      worker.start();
    },
    async stop() {
      directory.stop();
      await worker.stop();
    },
  };
}
