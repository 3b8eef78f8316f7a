/**
 * YouTube for go-live notifications: channels, searches and videos from the Data API v3 (with an API
 * key), and WebSub subscriptions to a channel's upload feed at the PubSubHubbub hub. The hub's
 * notifications name a video; `liveVideo` tells whether it is a broadcast live now.
 * https://developers.google.com/youtube/v3/docs and https://developers.google.com/youtube/v3/guides/push_notifications
 */
import { z } from 'zod';
import { StreamPlatformError } from '../stream-platform.ts';
import type { LiveStream, PlatformSubscription, Streamer, WebhookTarget, YouTubeStreamClient } from '../stream-platform.ts';
import { createPlatformHttp, endpoint, idBatches } from './platform-http.ts';
import type { PlatformResponse } from './platform-http.ts';

export type YouTubeStreamClientOptions = {
  apiKey: string;
  /** The Data API, `https://www.googleapis.com/youtube/v3` in production. */
  apiUrl: string;
  /** The WebSub hub, `https://pubsubhubbub.appspot.com/subscribe` in production. */
  hubUrl: string;
  /** The lease asked of the hub; five days by default. */
  leaseSeconds?: number;
  fetch?: typeof fetch;
  now?: () => number;
};

const DEFAULT_LEASE_SECONDS = 432_000;
/** The Data API's cap on ids per videos request. */
const VIDEOS_PER_REQUEST = 50;
const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;
const HANDLE = /^@[A-Za-z0-9._-]{3,30}$/;
const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const CHANNEL_URL = /^(?:https?:\/\/)?(?:www\.|m\.)?youtube\.com\/(?:channel\/(UC[A-Za-z0-9_-]{22})|(@[A-Za-z0-9._-]{3,30}))\/?(?:[/?#].*)?$/i;
/** Quota and rate refusals come as 403 but clear with time. */
const TRANSIENT_REASONS = new Set(['quotaExceeded', 'rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded']);

const channelsAnswer = z.object({
  items: z.array(z.object({ id: z.string().regex(CHANNEL_ID), snippet: z.object({ title: z.string(), customUrl: z.string().optional() }) })).optional(),
});
const searchAnswer = z.object({
  items: z.array(z.object({ id: z.object({ videoId: z.string().optional() }) })).optional(),
});
const timestamp = z.string().refine((text) => Number.isFinite(Date.parse(text)), 'is not a date');
const videoItem = z.object({
  id: z.string(),
  snippet: z.object({
    channelId: z.string(),
    title: z.string(),
    thumbnails: z.object({ high: z.object({ url: z.string() }).optional() }).optional(),
  }),
  liveStreamingDetails: z.object({ actualStartTime: timestamp.optional(), actualEndTime: timestamp.optional() }).optional(),
});
const videosAnswer = z.object({ items: z.array(videoItem).optional() });
type Video = z.infer<typeof videoItem>;

export function createYouTubeStreamClient(options: YouTubeStreamClientOptions): YouTubeStreamClient {
  if (options.apiKey === '') throw new StreamPlatformError('youtube', 'youtube: an API key is required', { transient: false, status: null });
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!Number.isSafeInteger(leaseSeconds) || leaseSeconds <= 0) {
    throw new StreamPlatformError('youtube', `youtube: leaseSeconds must be a positive whole number, got ${leaseSeconds}`, { transient: false, status: null });
  }
  const now = options.now ?? Date.now;
  const http = createPlatformHttp({ platform: 'youtube', fetch: options.fetch, transientWhen: quotaRefusal });

  async function dataApi<T>(path: string, params: [string, string][], schema: z.ZodType<T>, what: string): Promise<T> {
    const response = await http.send({ method: 'GET', url: endpoint(options.apiUrl, path, [...params, ['key', options.apiKey]]) });
    return http.readJson(response, schema, what);
  }

  async function resolveStreamer(query: string): Promise<Streamer | undefined> {
    const text = query.trim();
    const fromUrl = CHANNEL_URL.exec(text);
    const reference = fromUrl?.[1] ?? fromUrl?.[2] ?? text;
    let param: [string, string];
    if (CHANNEL_ID.test(reference)) param = ['id', reference];
    else if (HANDLE.test(reference)) param = ['forHandle', reference];
    else return undefined;

    const answer = await dataApi('/channels', [['part', 'snippet'], param], channelsAnswer, 'the channel lookup');
    const channel = answer.items?.[0];
    if (channel === undefined) return undefined;
    return {
      platform: 'youtube',
      id: channel.id,
      login: channel.snippet.customUrl ?? channel.snippet.title,
      displayName: channel.snippet.title,
      url: `https://www.youtube.com/channel/${channel.id}`,
    };
  }

  async function hubRequest(mode: 'subscribe' | 'unsubscribe', channelId: string, form: Record<string, string>): Promise<PlatformResponse> {
    if (!CHANNEL_ID.test(channelId)) {
      throw new StreamPlatformError('youtube', `"${channelId}" is not a YouTube channel id (UC followed by 22 characters)`, { transient: false, status: null });
    }
    const response = await http.send({
      method: 'POST',
      url: options.hubUrl,
      form: { 'hub.mode': mode, 'hub.topic': `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${channelId}`, 'hub.verify': 'async', ...form },
    });
    if (response.status !== 202 && response.status !== 204) throw http.failure(response, `the WebSub ${mode} request`);
    return response;
  }

  async function subscribe(streamer: Streamer, target: WebhookTarget): Promise<PlatformSubscription> {
    await hubRequest('subscribe', streamer.id, {
      'hub.callback': target.callbackUrl,
      'hub.secret': target.secret,
      'hub.lease_seconds': String(leaseSeconds),
    });
    return { externalIds: [], leaseExpiresAt: now() + leaseSeconds * 1000 };
  }

  async function unsubscribe(streamer: Streamer, subscription: { externalIds: readonly string[]; callbackUrl: string }): Promise<void> {
    await hubRequest('unsubscribe', streamer.id, { 'hub.callback': subscription.callbackUrl });
  }

  /** The videos among `ids` that exist, by id, in calls of at most 50 ids. */
  async function videos(ids: readonly string[]): Promise<Map<string, Video>> {
    const found = new Map<string, Video>();
    for (const batch of idBatches(ids.filter((id) => VIDEO_ID.test(id)), VIDEOS_PER_REQUEST)) {
      const answer = await dataApi('/videos', [['part', 'snippet,liveStreamingDetails'], ['id', batch.join(',')]], videosAnswer, 'the videos lookup');
      for (const video of answer.items ?? []) found.set(video.id, video);
    }
    return found;
  }

  async function liveVideo(videoId: string): Promise<LiveStream | undefined> {
    const video = (await videos([videoId])).get(videoId);
    return video === undefined ? undefined : asLiveStream(video);
  }

  async function liveStreams(channelIds: readonly string[]): Promise<Map<string, LiveStream>> {
    const candidates: string[] = [];
    for (const channelId of new Set(channelIds)) {
      if (!CHANNEL_ID.test(channelId)) continue;
      const answer = await dataApi(
        '/search',
        [['part', 'snippet'], ['channelId', channelId], ['eventType', 'live'], ['type', 'video']],
        searchAnswer,
        'the live search',
      );
      for (const item of answer.items ?? []) if (item.id.videoId !== undefined) candidates.push(item.id.videoId);
    }
    const live = new Map<string, LiveStream>();
    // Search results lag behind; the videos call says whether each is still live, and whose it is.
    for (const video of (await videos(candidates)).values()) {
      const stream = asLiveStream(video);
      if (stream === undefined || !channelIds.includes(stream.streamerId)) continue;
      const current = live.get(stream.streamerId);
      if (current === undefined || stream.startedAt > current.startedAt) live.set(stream.streamerId, stream);
    }
    return live;
  }

  async function endedStreams(streams: readonly { streamerId: string; streamId: string }[]): Promise<Set<string>> {
    const found = await videos(streams.map((stream) => stream.streamId));
    const ended = new Set<string>();
    for (const stream of streams) {
      const video = found.get(stream.streamId);
      if (video === undefined || video.liveStreamingDetails?.actualEndTime !== undefined) ended.add(stream.streamId);
    }
    return ended;
  }

  return { platform: 'youtube', resolveStreamer, subscribe, unsubscribe, liveStreams, endedStreams, liveVideo };
}

/** A broadcast that has started and not ended is live; an upload, a premiere not started or an ended broadcast is not. */
function asLiveStream(video: Video): LiveStream | undefined {
  const details = video.liveStreamingDetails;
  if (details?.actualStartTime === undefined || details.actualEndTime !== undefined) return undefined;
  return {
    streamId: video.id,
    streamerId: video.snippet.channelId,
    title: video.snippet.title,
    startedAt: Date.parse(details.actualStartTime),
    url: `https://www.youtube.com/watch?v=${video.id}`,
    thumbnailUrl: video.snippet.thumbnails?.high?.url ?? null,
    category: null,
  };
}

function quotaRefusal(response: PlatformResponse): boolean {
  if (response.status !== 403) return false;
  try {
    const body = z
      .object({ error: z.object({ errors: z.array(z.object({ reason: z.string() })) }) })
      .safeParse(JSON.parse(response.text));
    return body.success && body.data.error.errors.some((error) => TRANSIENT_REASONS.has(error.reason));
  } catch {
    return false;
  }
}
