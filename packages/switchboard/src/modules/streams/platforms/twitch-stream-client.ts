/**
 * Twitch for go-live notifications, over Helix with an app access token: users by login or id,
 * EventSub webhook subscriptions to `stream.online` and `stream.offline`, and the streams live now.
 * https://dev.twitch.tv/docs/api/reference and https://dev.twitch.tv/docs/eventsub/
 */
import { z } from 'zod';
import { StreamPlatformError } from '../stream-platform.ts';
import type { LiveStream, PlatformSubscription, StreamPlatformClient, Streamer, WebhookTarget } from '../stream-platform.ts';
import { createAppApi, type AppApiOptions } from './app-access-token.ts';
import { idBatches, streamsNoLongerLive } from './platform-http.ts';

/** In production the token endpoint is `https://id.twitch.tv/oauth2/token` and the API Helix, `https://api.twitch.tv/helix`. */
export type TwitchStreamClientOptions = AppApiOptions;

const EVENT_TYPES = ['stream.online', 'stream.offline'] as const;
/** Helix's cap on `user_id` parameters per streams request. */
const STREAMS_PER_REQUEST = 100;
/** Enough pages to find an existing subscription without looping forever on a misbehaving cursor. */
const MAX_LOOKUP_PAGES = 20;
const LOGIN = /^[a-z0-9_]{1,25}$/;
const USER_ID = /^[0-9]{1,20}$/;
const CHANNEL_URL = /^(?:https?:\/\/)?(?:www\.|m\.)?twitch\.tv\/([A-Za-z0-9_]{1,25})\/?(?:[?#].*)?$/i;

const usersAnswer = z.object({
  data: z.array(z.object({ id: z.string().min(1), login: z.string().min(1), display_name: z.string() })),
});

const subscriptionItem = z.object({
  id: z.string().min(1),
  status: z.string(),
  type: z.string(),
  condition: z.record(z.string(), z.unknown()),
});
const createdAnswer = z.object({ data: z.array(subscriptionItem).min(1) });
const listAnswer = z.object({
  data: z.array(subscriptionItem),
  pagination: z.object({ cursor: z.string().optional() }).optional(),
});

const timestamp = z.string().refine((text) => Number.isFinite(Date.parse(text)), 'is not a date');
const streamsAnswer = z.object({
  data: z.array(
    z.object({
      id: z.string().min(1),
      user_id: z.string().min(1),
      user_login: z.string(),
      user_name: z.string(),
      game_name: z.string(),
      type: z.string().optional(),
      title: z.string(),
      started_at: timestamp,
      thumbnail_url: z.string(),
    }),
  ),
});

export function createTwitchStreamClient(options: TwitchStreamClientOptions): StreamPlatformClient {
  // Helix wants the app's client id beside its token.
  const { http, call: helix } = createAppApi('twitch', options, { 'Client-Id': options.clientId });


  async function resolveStreamer(query: string): Promise<Streamer | undefined> {
    const text = query.trim();
    const fromUrl = CHANNEL_URL.exec(text)?.[1];
    const login = (fromUrl ?? text).toLowerCase();
    let param: [string, string];
    if (fromUrl === undefined && USER_ID.test(text)) param = ['id', text];
    else if (LOGIN.test(login)) param = ['login', login];
    else return undefined;

    const users = http.readJson(await helix('GET', '/users', [param]), usersAnswer, 'the user lookup');
    const user = users.data[0];
    if (user === undefined) return undefined;
    return { platform: 'twitch', id: user.id, login: user.login, displayName: user.display_name || user.login, url: `https://twitch.tv/${user.login}` };
  }

  /** The id of the existing subscription of `type` for `broadcasterId`, found after a 409. */
  async function findExisting(type: string, broadcasterId: string): Promise<string | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page += 1) {
      const params: [string, string][] = [['user_id', broadcasterId]];
      if (cursor !== undefined) params.push(['after', cursor]);
      const list = http.readJson(await helix('GET', '/eventsub/subscriptions', params), listAnswer, 'the subscription lookup');
      const found = list.data.find((item) => item.type === type && item.condition.broadcaster_user_id === broadcasterId);
      if (found !== undefined) return found.id;
      cursor = list.pagination?.cursor;
      if (cursor === undefined || cursor === '') return undefined;
    }
    return undefined;
  }

  async function subscribeOne(type: string, streamer: Streamer, target: WebhookTarget): Promise<string> {
    const response = await helix('POST', '/eventsub/subscriptions', [], {
      type,
      version: '1',
      condition: { broadcaster_user_id: streamer.id },
      transport: { method: 'webhook', callback: target.callbackUrl, secret: target.secret },
    });
    if (response.status === 409) {
      const existing = await findExisting(type, streamer.id);
      if (existing !== undefined) return existing;
      throw new StreamPlatformError('twitch', `Twitch says a ${type} subscription for ${streamer.login} exists but does not list it`, {
        transient: true,
        status: 409,
      });
    }
    const created = http.readJson(response, createdAnswer, `the ${type} subscription`);
    return (created.data[0] as z.infer<typeof subscriptionItem>).id;
  }

  async function deleteSubscription(id: string): Promise<void> {
    const response = await helix('DELETE', '/eventsub/subscriptions', [['id', id]]);
    if (response.status === 404 || (response.status >= 200 && response.status <= 299)) return;
    throw http.failure(response, 'the subscription removal');
  }

  async function subscribe(streamer: Streamer, target: WebhookTarget): Promise<PlatformSubscription> {
    const externalIds: string[] = [];
    try {
      for (const type of EVENT_TYPES) externalIds.push(await subscribeOne(type, streamer, target));
    } catch (error) {
      // Half a subscription (online without offline) would announce streams it never sees end.
      await Promise.allSettled(externalIds.map((id) => deleteSubscription(id)));
      throw error;
    }
    return { externalIds, leaseExpiresAt: null };
  }

  async function unsubscribe(_streamer: Streamer, subscription: { externalIds: readonly string[]; callbackUrl: string }): Promise<void> {
    for (const id of new Set(subscription.externalIds)) await deleteSubscription(id);
  }

  async function liveStreams(streamerIds: readonly string[]): Promise<Map<string, LiveStream>> {
    const live = new Map<string, LiveStream>();
    for (const batch of idBatches(streamerIds, STREAMS_PER_REQUEST)) {
      const params: [string, string][] = batch.map((id) => ['user_id', id]);
      params.push(['first', String(STREAMS_PER_REQUEST)]);
      const streams = http.readJson(await helix('GET', '/streams', params), streamsAnswer, 'the live streams lookup');
      for (const stream of streams.data) {
        // Helix marks a stream that has just failed with an empty type; it is not live.
        if (stream.type !== undefined && stream.type !== 'live') continue;
        live.set(stream.user_id, {
          streamId: stream.id,
          streamerId: stream.user_id,
          title: stream.title,
          startedAt: Date.parse(stream.started_at),
          url: `https://twitch.tv/${stream.user_login}`,
          thumbnailUrl: stream.thumbnail_url === '' ? null : stream.thumbnail_url.replace('{width}x{height}', '1280x720'),
          category: stream.game_name === '' ? null : stream.game_name,
        });
      }
    }
    return live;
  }

  async function endedStreams(streams: readonly { streamerId: string; streamId: string }[]): Promise<Set<string>> {
    return streamsNoLongerLive(streams, await liveStreams(streams.map((stream) => stream.streamerId)));
  }

  return { platform: 'twitch', resolveStreamer, subscribe, unsubscribe, liveStreams, endedStreams };
}
