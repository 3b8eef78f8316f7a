/**
 * What the platforms' webhooks do: Twitch EventSub and Kick webhooks at one URL each, YouTube WebSub at one
 * URL per watch. Each request is verified (with the watch's own sealed secret; Kick signs with its own key), a
 * redelivered message id is dropped (recorded in the database, so it holds across instances), and what it
 * says becomes `streamStarted` / `streamEnded`. The answers follow each platform's rules: Twitch and Kick
 * get 403 for a forged or stale request; WebSub gets 2xx even then, as its specification requires.
 */
import type { Logger } from 'pino';
import { bodyBytes, type HeaderRecord } from './verification/headers.ts';
import { isRecord, optionalString, parseJson } from './verification/json-shape.ts';
import { verifyKickWebhook, type KickEvent } from './verification/kick-webhook.ts';
import { parseRfc3339 } from './verification/timestamp-window.ts';
import { verifyTwitchEventSub, type TwitchStreamEvent } from './verification/twitch-eventsub.ts';
import { answerWebSubChallenge, verifyWebSubDistribution, type WebSubQuery } from './verification/youtube-websub.ts';
import type { GoLiveService } from './go-live-service.ts';
import type { WebhookSecrets } from './webhook-secret.ts';
import type { LiveStream, StreamPlatformClient, StreamPlatformName, YouTubeStreamClient } from './stream-platform.ts';

export type WebhookOutcome = 'accepted' | 'duplicate' | 'forged' | 'stale' | 'challenge' | 'revoked' | 'ignored';

export type WebhookRequest = {
  platform: StreamPlatformName;
  headers: HeaderRecord;
  rawBody: Uint8Array | string;
  query?: WebSubQuery;
  watchId?: string;
  method?: 'GET' | 'POST';
};

export type WebhookAnswer = { status: number; contentType: string; body: string };

export type StreamWebhookClients = {
  twitch?: StreamPlatformClient;
  kick?: StreamPlatformClient & { publicKey?: () => Promise<string> };
  youtube?: YouTubeStreamClient;
};

export type StreamWebhookReceiverOptions = {
  service: GoLiveService;
  clients: StreamWebhookClients;
  secrets: WebhookSecrets;
  /** Kick's signing key when configured (KICK_PUBLIC_KEY); otherwise it is asked of the Kick client once. */
  kickPublicKey?: string;
  logger: Logger;
  now?: () => number;
  record?: (platform: StreamPlatformName, outcome: WebhookOutcome) => void;
};

const text = (status: number, body = ''): WebhookAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body });
const noContent = (): WebhookAnswer => text(204);

/** A YouTube channel feed topic (`…/feeds/videos.xml?channel_id=UC…`) and the channel it names. */
function topicChannel(topic: string): string | undefined {
  try {
    const url = new URL(topic);
    if (!/(^|\.)youtube\.com$/.test(url.hostname) || url.pathname !== '/xml/feeds/videos.xml') return undefined;
    return url.searchParams.get('channel_id') ?? undefined;
  } catch {
    return undefined;
  }
}

function queryValue(query: WebSubQuery | undefined, name: string): string | undefined {
  if (query === undefined) return undefined;
  if (query instanceof URLSearchParams) return query.get(name) ?? undefined;
  const value = query[name];
  return typeof value === 'string' ? value : value?.[0];
}

export function createStreamWebhookReceiver(options: StreamWebhookReceiverOptions) {
  const { service, clients, logger } = options;
  const now = options.now ?? Date.now;
  let kickKey: Promise<string> | undefined;

  function answer(platform: StreamPlatformName, outcome: WebhookOutcome, result: WebhookAnswer): WebhookAnswer {
    options.record?.(platform, outcome);
    return result;
  }

  /** The stream the platform reports live now, or `fallback` when it cannot say (or lags behind its own webhook). */
  async function confirmLive(client: StreamPlatformClient | undefined, streamerId: string, fallback: LiveStream): Promise<LiveStream> {
    if (!client) return fallback;
    try {
      return (await client.liveStreams([streamerId])).get(streamerId) ?? fallback;
    } catch (error) {
      logger.warn({ err: error, platform: client.platform, streamer: streamerId }, 'could not confirm a go-live webhook; using what it said');
      return fallback;
    }
  }

  async function twitchEvent(event: TwitchStreamEvent): Promise<WebhookOutcome> {
    if (event.type === 'unsupported') return 'ignored';
    if (event.type === 'stream.offline') {
      await service.streamEnded('twitch', event.broadcasterUserId, null);
      return 'accepted';
    }
    const watch = await service.watches.findWatch('twitch', event.broadcasterUserId);
    const startedAt = parseRfc3339(event.startedAt) ?? now();
    const login = event.broadcasterUserLogin ?? watch?.streamerLogin ?? event.broadcasterUserId;
    const stream = await confirmLive(clients.twitch, event.broadcasterUserId, {
      streamId: event.streamId ?? String(startedAt),
      streamerId: event.broadcasterUserId,
      title: '',
      startedAt,
      url: `https://www.twitch.tv/${login}`,
      thumbnailUrl: null,
      category: null,
    });
    await service.streamStarted('twitch', event.broadcasterUserId, stream);
    return 'accepted';
  }

  async function twitch(request: WebhookRequest): Promise<WebhookAnswer> {
    // The secret depends on the broadcaster, so the body is read (not trusted) to find out which one.
    const parsed = parseJson(bodyBytes(request.rawBody));
    const body = parsed && isRecord(parsed.value) ? parsed.value : undefined;
    const subscription = body && isRecord(body.subscription) ? body.subscription : undefined;
    const condition = subscription && isRecord(subscription.condition) ? subscription.condition : undefined;
    const broadcasterId = optionalString(condition?.broadcaster_user_id);
    if (!broadcasterId) return answer('twitch', 'forged', text(403, 'not a Twitch EventSub message'));
    const watch = await service.watches.findWatch('twitch', broadcasterId);
    if (!watch) return answer('twitch', 'ignored', text(404, 'not subscribed to this broadcaster'));

    const verified = verifyTwitchEventSub({ headers: request.headers, rawBody: request.rawBody, secret: options.secrets.open(watch), now: now() });
    if (!verified.ok) {
      const stale = verified.reason === 'stale_timestamp' || verified.reason === 'future_timestamp';
      return answer('twitch', stale ? 'stale' : 'forged', text(403, stale ? 'message too old' : 'signature does not verify'));
    }
    const message = verified.message;
    if (message.kind === 'challenge') {
      await service.watches.updateWatch(watch.id, { status: 'active', statusReason: null }, now());
      return answer('twitch', 'challenge', { status: 200, contentType: 'text/plain', body: message.challenge });
    }
    if (!(await service.announcements.recordWebhookMessage('twitch', message.messageId, now()))) return answer('twitch', 'duplicate', noContent());
    if (message.kind === 'revocation') {
      if (watch) await service.watches.updateWatch(watch.id, { status: 'revoked', statusReason: message.status }, now());
      logger.warn({ platform: 'twitch', streamer: broadcasterId, reason: message.status }, 'Twitch revoked a go-live subscription');
      return answer('twitch', 'revoked', noContent());
    }
    return answer('twitch', await twitchEvent(message.event), noContent());
  }

  async function kickPublicKey(): Promise<string | undefined> {
    if (options.kickPublicKey) return options.kickPublicKey;
    const fetchKey = clients.kick?.publicKey;
    if (!fetchKey) return undefined;
    kickKey ??= fetchKey().catch((error: unknown) => {
      kickKey = undefined;
      throw error;
    });
    return kickKey;
  }

  async function kickEvent(event: KickEvent): Promise<WebhookOutcome> {
    if (event.type === 'unsupported') return 'ignored';
    if (!event.isLive) {
      await service.streamEnded('kick', event.broadcasterUserId, null);
      return 'accepted';
    }
    const watch = await service.watches.findWatch('kick', event.broadcasterUserId);
    const startedAt = (event.startedAt ? (parseRfc3339(event.startedAt) ?? Date.parse(event.startedAt)) : NaN) || now();
    const slug = event.broadcasterChannelSlug ?? watch?.streamerLogin ?? event.broadcasterUserId;
    // The same stream id as the Kick client gives when polling: the start time in milliseconds.
    const stream = await confirmLive(clients.kick, event.broadcasterUserId, {
      streamId: String(startedAt),
      streamerId: event.broadcasterUserId,
      title: event.title ?? '',
      startedAt,
      url: `https://kick.com/${slug}`,
      thumbnailUrl: null,
      category: null,
    });
    await service.streamStarted('kick', event.broadcasterUserId, stream);
    return 'accepted';
  }

  async function kick(request: WebhookRequest): Promise<WebhookAnswer> {
    let publicKeyPem: string | undefined;
    try {
      publicKeyPem = await kickPublicKey();
    } catch (error) {
      logger.warn({ err: error }, "could not fetch Kick's webhook public key");
      return answer('kick', 'ignored', text(503, 'cannot verify Kick webhooks right now'));
    }
    if (!publicKeyPem) return answer('kick', 'ignored', text(404, 'Kick is not set up on this hub'));
    const verified = verifyKickWebhook({ headers: request.headers, rawBody: request.rawBody, publicKeyPem, now: now() });
    if (!verified.ok) {
      const stale = verified.reason === 'stale_timestamp' || verified.reason === 'future_timestamp';
      return answer('kick', stale ? 'stale' : 'forged', text(403, stale ? 'message too old' : 'signature does not verify'));
    }
    if (!(await service.announcements.recordWebhookMessage('kick', verified.messageId, now()))) return answer('kick', 'duplicate', noContent());
    return answer('kick', await kickEvent(verified.event), noContent());
  }

  async function youtubeChallenge(request: WebhookRequest): Promise<WebhookAnswer> {
    const watch = request.watchId ? await service.watches.getWatch(request.watchId) : undefined;
    const topic = queryValue(request.query, 'hub.topic') ?? '';
    const channel = topicChannel(topic);
    const known = watch !== undefined && watch.platform === 'youtube';
    const ours = known && channel === watch.streamerId ? new Set([topic]) : new Set<string>();
    // Confirming the end of a subscription the hub no longer holds is always right.
    const unsubscribable = known ? ours : channel !== undefined ? new Set([topic]) : new Set<string>();
    const result = answerWebSubChallenge({ query: request.query ?? {}, expectedTopics: { subscribe: ours, unsubscribe: unsubscribable }, now: now() });
    if (!result.ok) {
      if (result.reason === 'subscription_denied' && known) {
        const reason = queryValue(request.query, 'hub.reason') ?? 'the hub denied the subscription';
        await service.watches.updateWatch(watch.id, { status: 'failed', statusReason: reason.slice(0, 500) }, now());
        logger.warn({ platform: 'youtube', streamer: watch.streamerId }, 'the WebSub hub denied a go-live subscription');
        return answer('youtube', 'revoked', text(200));
      }
      return answer('youtube', 'ignored', text(404, 'no such subscription'));
    }
    if (result.mode === 'subscribe' && known) {
      await service.watches.updateWatch(watch.id, { status: 'active', statusReason: null, leaseExpiresAt: result.leaseExpiresAt }, now());
    }
    return answer('youtube', 'challenge', { status: 200, contentType: 'text/plain', body: result.challenge });
  }

  async function youtubeNotification(request: WebhookRequest): Promise<WebhookAnswer> {
    const watch = request.watchId ? await service.watches.getWatch(request.watchId) : undefined;
    if (!watch || watch.platform !== 'youtube') return answer('youtube', 'ignored', text(404, 'no such subscription'));
    const verified = verifyWebSubDistribution({ headers: request.headers, rawBody: request.rawBody, secret: options.secrets.open(watch) });
    if (!verified.ok) {
      const signature = ['missing_signature', 'malformed_signature', 'unsupported_algorithm', 'bad_signature'].includes(verified.reason);
      if (signature) logger.warn({ platform: 'youtube', watch: watch.id, reason: verified.reason }, 'ignored a WebSub notification that does not verify');
      return answer('youtube', signature ? 'forged' : 'ignored', noContent());
    }
    const client = clients.youtube;
    if (!client) return answer('youtube', 'ignored', noContent());
    let started = 0;
    for (const item of verified.items) {
      if (item.kind !== 'video' || item.channelId !== watch.streamerId) continue;
      let live: LiveStream | undefined;
      try {
        live = await client.liveVideo(item.videoId);
      } catch (error) {
        logger.warn({ err: error, platform: 'youtube', video: item.videoId }, 'could not look up a video from a WebSub notification');
        continue;
      }
      if (live) {
        await service.streamStarted('youtube', watch.streamerId, live);
        started++;
      }
    }
    return answer('youtube', started > 0 ? 'accepted' : 'ignored', noContent());
  }

  return {
    async handle(request: WebhookRequest): Promise<WebhookAnswer> {
      switch (request.platform) {
        case 'twitch':
          return twitch(request);
        case 'kick':
          return kick(request);
        case 'youtube':
          return request.method === 'GET' ? youtubeChallenge(request) : youtubeNotification(request);
      }
    },
  };
}

export type StreamWebhookReceiver = ReturnType<typeof createStreamWebhookReceiver>;
