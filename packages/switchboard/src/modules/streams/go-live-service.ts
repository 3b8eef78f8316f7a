/**
 * Go-live notifications: guilds subscribe channels to streamers; a stream that starts is posted once per
 * subscription (the unique announcement row decides who posts), and the post is edited when it ends.
 * Platform-side subscriptions are shared per streamer and made or removed with the first or last guild.
 * Expected refusals come back as results; only the unexpected throws.
 */
import type { API } from '@discordjs/core';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { StreamAnnouncementRepository, type OpenAnnouncement, type StreamAnnouncementRecord } from '../../storage/stream-announcement-repository.ts';
import { StreamWatchRepository, type StreamSubscriptionView, type StreamWatchRecord } from '../../storage/stream-watch-repository.ts';
import type { Tables } from '../../storage/schema.ts';
import type { WebhookSecrets } from './webhook-secret.ts';
import { endedAnnouncement, liveAnnouncement, PLATFORM_LABELS, type AnnouncedStreamer } from './announcement-message.ts';
import { StreamPlatformError, type LiveStream, type StreamPlatformClient, type StreamPlatformName, type Streamer } from './stream-platform.ts';

export const MAX_STREAM_SUBSCRIPTIONS_PER_GUILD = 25;

/** The two Discord calls the service makes (the hub passes @discordjs/core's API). */
export type StreamDiscordApi = { channels: Pick<API['channels'], 'createMessage' | 'editMessage'> };

export type StreamRefusal = {
  ok: false;
  code: 'not_configured' | 'unknown_streamer' | 'limit_reached' | 'duplicate' | 'platform_error' | 'not_found' | 'invalid';
  reason: string;
};

export type SubscribeResult = { ok: true; subscription: StreamSubscriptionView } | StreamRefusal;
export type UnsubscribeResult = { ok: true; subscription: StreamSubscriptionView } | StreamRefusal;

export type GoLiveServiceOptions = {
  db: Kysely<Tables>;
  /** The platforms this hub is set up for; the others are refused with the variables to set. */
  clients: Partial<Record<StreamPlatformName, StreamPlatformClient>>;
  api: () => StreamDiscordApi | undefined;
  delivery: 'webhooks' | 'polling';
  /** The hub's public base URL, for the webhook callbacks. */
  publicUrl: string;
  /** Each watch's webhook signing secret: made sealed with the watch, opened to subscribe. */
  secrets: WebhookSecrets;
  logger: Logger;
  now?: () => number;
  onAnnouncement?: (platform: StreamPlatformName, kind: 'posted' | 'ended' | 'failed') => void;
  maxSubscriptionsPerGuild?: number;
};

const SETUP_HINTS: Readonly<Record<StreamPlatformName, string>> = {
  twitch: 'set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET',
  kick: 'set KICK_CLIENT_ID and KICK_CLIENT_SECRET',
  youtube: 'set YOUTUBE_API_KEY',
};

const refuse = (code: StreamRefusal['code'], reason: string): StreamRefusal => ({ ok: false, code, reason });

function platformProblem(error: unknown): string {
  if (error instanceof StreamPlatformError) return error.transient ? `${error.message} (try again in a moment)` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export type GoLiveService = ReturnType<typeof createGoLiveService>;

export function createGoLiveService(options: GoLiveServiceOptions) {
  const watches = new StreamWatchRepository(options.db);
  const announcements = new StreamAnnouncementRepository(options.db);
  const now = options.now ?? Date.now;
  const limit = options.maxSubscriptionsPerGuild ?? MAX_STREAM_SUBSCRIPTIONS_PER_GUILD;
  const { logger } = options;

  function callbackUrl(platform: StreamPlatformName, watchId: string): string {
    return platform === 'youtube' ? `${options.publicUrl}/webhooks/youtube/${watchId}` : `${options.publicUrl}/webhooks/${platform}`;
  }

  function streamerOf(watch: StreamWatchRecord): Streamer {
    return { platform: watch.platform, id: watch.streamerId, login: watch.streamerLogin, displayName: watch.streamerName, url: watch.streamerUrl };
  }

  const announced = (watch: StreamWatchRecord): AnnouncedStreamer => ({ platform: watch.platform, name: watch.streamerName, url: watch.streamerUrl });

  /** Asks the platform for webhooks for this watch and records what it answered. */
  async function subscribeAtPlatform(client: StreamPlatformClient, watch: StreamWatchRecord): Promise<StreamWatchRecord> {
    const made = await client.subscribe(streamerOf(watch), { callbackUrl: callbackUrl(watch.platform, watch.id), secret: options.secrets.open(watch) });
    // Twitch and YouTube confirm with a challenge, which may already have marked the watch active: the
    // status is left to it. Kick does not challenge, so its answer is the confirmation.
    const updated = await watches.updateWatch(
      watch.id,
      {
        externalIds: made.externalIds,
        ...(watch.platform === 'kick' ? { status: 'active' as const, statusReason: null } : {}),
        ...(made.leaseExpiresAt !== null ? { leaseExpiresAt: made.leaseExpiresAt } : {}),
      },
      now(),
    );
    return updated ?? watch;
  }

  async function subscribe(input: { guildId: string; channelId: string; roleId: string | null; platform: StreamPlatformName; query: string; createdBy: string }): Promise<SubscribeResult> {
    const label = PLATFORM_LABELS[input.platform];
    const client = options.clients[input.platform];
    if (!client) return refuse('not_configured', `${label} is not set up on this hub: ${SETUP_HINTS[input.platform]}.`);
    const query = input.query.trim();
    if (query === '') return refuse('invalid', 'Name the streamer: their login, handle, channel id or channel URL.');
    if ((await watches.countSubscriptions(input.guildId)) >= limit) {
      return refuse('limit_reached', `This server already has ${limit} stream subscriptions, the most it may have; remove one first.`);
    }

    let streamer: Streamer | undefined;
    try {
      streamer = await client.resolveStreamer(query);
    } catch (error) {
      return refuse('platform_error', `${label} could not be asked about "${query}": ${platformProblem(error)}`);
    }
    if (!streamer) return refuse('unknown_streamer', `${label} knows no streamer "${query}".`);

    const { watch, created } = await watches.ensureWatch({ platform: input.platform, streamer, status: options.delivery === 'webhooks' ? 'pending' : 'polling', sealSecret: options.secrets.seal, now: now() });
    const subscription = await watches.insertSubscription({ guildId: input.guildId, channelId: input.channelId, roleId: input.roleId, watchId: watch.id, createdBy: input.createdBy, createdAt: now() });
    if (!subscription) {
      if (created) await watches.deleteWatchIfUnused(watch.id);
      return refuse('duplicate', `<#${input.channelId}> already hears when ${streamer.displayName} goes live on ${label}.`);
    }
    // Two adds at the same moment may both pass the first count: the one that overshoots takes its own back.
    if ((await watches.countSubscriptions(input.guildId)) > limit) {
      await removeInserted(input.guildId, subscription.id, watch, created);
      return refuse('limit_reached', `This server already has ${limit} stream subscriptions, the most it may have; remove one first.`);
    }

    let current = watch;
    const needsPlatform = options.delivery === 'webhooks' && (created || (watch.status !== 'active' && watch.status !== 'pending'));
    if (needsPlatform) {
      try {
        if (!created) await watches.updateWatch(watch.id, { status: 'pending', statusReason: null }, now());
        current = await subscribeAtPlatform(client, watch);
      } catch (error) {
        const problem = platformProblem(error);
        logger.warn({ err: error, platform: input.platform, streamer: streamer.id }, 'the platform refused a go-live subscription');
        await removeInserted(input.guildId, subscription.id, watch, created);
        await watches.updateWatch(watch.id, { status: 'failed', statusReason: problem }, now());
        return refuse('platform_error', `${label} refused to notify this hub about ${streamer.displayName}: ${problem}`);
      }
    }
    return { ok: true, subscription: { ...subscription, watch: current } };
  }

  async function removeInserted(guildId: string, subscriptionId: string, watch: StreamWatchRecord, created: boolean): Promise<void> {
    await watches.deleteSubscription(guildId, subscriptionId);
    if (created) await watches.deleteWatchIfUnused(watch.id);
  }

  async function unsubscribe(guildId: string, subscriptionId: string): Promise<UnsubscribeResult> {
    const removed = await watches.deleteSubscription(guildId, subscriptionId);
    if (!removed) return refuse('not_found', 'This server has no such stream subscription.');
    const watch = await watches.getWatch(removed.watchId);
    if (!watch) throw new Error(`stream subscription ${removed.id} had no watch`);
    // Deleting first (only when unused, in one statement) means a guild adding the streamer right now keeps it.
    if (await watches.deleteWatchIfUnused(watch.id)) {
      const client = options.clients[watch.platform];
      const made = watch.externalIds.length > 0 || watch.leaseExpiresAt !== null || watch.status === 'pending' || watch.status === 'active';
      if (client && made) {
        await client
          .unsubscribe(streamerOf(watch), { externalIds: watch.externalIds, callbackUrl: callbackUrl(watch.platform, watch.id) })
          .catch((error: unknown) => logger.warn({ err: error, platform: watch.platform, streamer: watch.streamerId }, 'could not remove a platform subscription; it lapses or is revoked on its own'));
      }
    }
    return { ok: true, subscription: { ...removed, watch } };
  }

  async function streamStarted(platform: StreamPlatformName, streamerId: string, stream: LiveStream): Promise<number> {
    const watch = await watches.findWatch(platform, streamerId);
    const api = options.api();
    if (!watch || !api) return 0;
    const subscriptions = await watches.subscriptionsOfWatch(watch.id);
    const posted = await Promise.all(
      subscriptions.map(async (subscription) => {
        const claimed = await announcements.claim({ subscriptionId: subscription.id, streamId: stream.streamId, channelId: subscription.channelId, title: stream.title, startedAt: stream.startedAt, now: now() });
        if (!claimed) return 0;
        let messageId: string;
        try {
          messageId = (await api.channels.createMessage(subscription.channelId, liveAnnouncement(announced(watch), stream, subscription.roleId))).id;
        } catch (error) {
          await announcements.release(claimed.id);
          options.onAnnouncement?.(platform, 'failed');
          logger.warn({ err: error, platform, streamer: streamerId, channel: subscription.channelId }, 'could not post a go-live announcement');
          return 0;
        }
        options.onAnnouncement?.(platform, 'posted');
        const attached = await announcements.attachMessage(claimed.id, messageId);
        // The end may have been claimed while the post was on its way: it is shown now.
        if (attached && attached.endedAt !== null) await showEnded(api, watch, attached);
        return 1;
      }),
    );
    return posted.reduce<number>((sum, n) => sum + n, 0);
  }

  async function showEnded(api: StreamDiscordApi, watch: StreamWatchRecord, row: StreamAnnouncementRecord): Promise<boolean> {
    if (row.messageId === null || row.endedAt === null) return false;
    try {
      await api.channels.editMessage(row.channelId, row.messageId, endedAnnouncement(announced(watch), { title: row.title, startedAt: row.startedAt, endedAt: row.endedAt }));
      options.onAnnouncement?.(watch.platform, 'ended');
      return true;
    } catch (error) {
      logger.warn({ err: error, platform: watch.platform, channel: row.channelId }, 'could not mark a go-live announcement as ended');
      return false;
    }
  }

  /** Marks the posts of a stream (of any open stream of this streamer when `streamId` is null) as ended. */
  async function streamEnded(platform: StreamPlatformName, streamerId: string, streamId: string | null): Promise<number> {
    const watch = await watches.findWatch(platform, streamerId);
    const api = options.api();
    if (!watch || !api) return 0;
    const subscriptions = await watches.subscriptionsOfWatch(watch.id);
    const ended = await announcements.claimEnd(
      subscriptions.map((s) => s.id),
      streamId,
      now(),
    );
    let edited = 0;
    for (const row of ended) if (await showEnded(api, watch, row)) edited++;
    return edited;
  }

  return {
    subscribe,
    unsubscribe,
    list: (guildId: string): Promise<StreamSubscriptionView[]> => watches.listSubscriptions(guildId),
    streamStarted,
    streamEnded,
    callbackUrl,
    streamerOf,
    subscribeAtPlatform,
    /** The repositories, for the webhook receiver and the jobs. */
    watches,
    announcements,
    /** Announced streams not yet known to have ended. */
    openStreams: (max: number): Promise<OpenAnnouncement[]> => announcements.openStreams(max),
  };
}
