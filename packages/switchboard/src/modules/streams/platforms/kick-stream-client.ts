/**
 * Kick for go-live notifications, over its public API with an app access token: channels by slug,
 * `livestream.status.updated` event subscriptions, the livestreams live now, and the public key
 * Kick signs its webhooks with. https://docs.kick.com/
 *
 * Kick sends every webhook to the one URL set in the app's settings, not to a URL given per
 * subscription: the target's `callbackUrl` is not sent, and nothing expires (`leaseExpiresAt` null).
 *
 * Stream ids: Kick's livestreams answer carries no livestream id in every API version. Where an `id`
 * is present it is used; otherwise the stream is identified by its start time in milliseconds
 * (`String(Date.parse(started_at))`), which is stable for one broadcast and differs between two.
 */
import { z } from 'zod';
import { StreamPlatformError } from '../stream-platform.ts';
import type { LiveStream, PlatformSubscription, StreamPlatformClient, Streamer, WebhookTarget } from '../stream-platform.ts';
import { createAppApi, type AppApiOptions } from './app-access-token.ts';
import { endpoint, idBatches, streamsNoLongerLive } from './platform-http.ts';

export type KickStreamClient = StreamPlatformClient & { readonly platform: 'kick'; publicKey(): Promise<string> };

/** In production the token endpoint is `https://id.kick.com/oauth/token` and the API `https://api.kick.com/public/v1`. */
export type KickStreamClientOptions = AppApiOptions;

const EVENT = { name: 'livestream.status.updated', version: 1 } as const;
/** Kick's cap on `broadcaster_user_id` parameters per livestreams request. */
const LIVESTREAMS_PER_REQUEST = 50;
const SLUG = /^[a-z0-9_-]{1,64}$/;
const CHANNEL_URL = /^(?:https?:\/\/)?(?:www\.)?kick\.com\/([A-Za-z0-9_-]{1,64})\/?(?:[?#].*)?$/i;
const BROADCASTER_ID = /^[0-9]{1,15}$/;

const userId = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/)]).transform(String);
const timestamp = z.string().refine((text) => Number.isFinite(Date.parse(text)), 'is not a date');

const channelsAnswer = z.object({
  data: z.array(z.object({ broadcaster_user_id: userId, slug: z.string().min(1) })),
});
const subscribeAnswer = z.object({
  data: z.array(
    z.object({
      subscription_id: z.string().optional(),
      name: z.string().optional(),
      version: z.number().optional(),
      error: z.string().optional(),
    }),
  ),
});
const livestreamsAnswer = z.object({
  data: z.array(
    z.object({
      id: z.union([z.number(), z.string()]).optional(),
      broadcaster_user_id: userId,
      slug: z.string().min(1),
      stream_title: z.string(),
      started_at: timestamp,
      thumbnail: z.string().nullish(),
      category: z.object({ name: z.string() }).nullish(),
    }),
  ),
});
const publicKeyAnswer = z.object({ data: z.object({ public_key: z.string().min(1) }) });

export function createKickStreamClient(options: KickStreamClientOptions): KickStreamClient {
  const { http, call: api } = createAppApi('kick', options);
  let publicKeyPem: Promise<string> | undefined;


  async function resolveStreamer(query: string): Promise<Streamer | undefined> {
    const text = query.trim();
    const slug = (CHANNEL_URL.exec(text)?.[1] ?? text).toLowerCase();
    if (!SLUG.test(slug)) return undefined;
    const channels = http.readJson(await api('GET', '/channels', [['slug', slug]]), channelsAnswer, 'the channel lookup');
    const channel = channels.data[0];
    if (channel === undefined) return undefined;
    return { platform: 'kick', id: channel.broadcaster_user_id, login: channel.slug, displayName: channel.slug, url: `https://kick.com/${channel.slug}` };
  }

  async function subscribe(streamer: Streamer, _target: WebhookTarget): Promise<PlatformSubscription> {
    if (!BROADCASTER_ID.test(streamer.id)) {
      throw new StreamPlatformError('kick', `Kick broadcaster ids are numbers; "${streamer.id}" is not one`, { transient: false, status: null });
    }
    const response = await api('POST', '/events/subscriptions', [], {
      broadcaster_user_id: Number(streamer.id),
      events: [{ name: EVENT.name, version: EVENT.version }],
      method: 'webhook',
    });
    const answer = http.readJson(response, subscribeAnswer, 'the event subscription');
    const failed = answer.data.find((item) => item.error !== undefined && item.error !== '');
    if (failed !== undefined) {
      throw new StreamPlatformError('kick', `Kick refused the ${failed.name ?? EVENT.name} subscription for ${streamer.login}: ${failed.error ?? ''}`, {
        transient: false,
        status: response.status,
      });
    }
    const externalIds = answer.data.flatMap((item) => (item.subscription_id === undefined || item.subscription_id === '' ? [] : [item.subscription_id]));
    if (externalIds.length === 0) {
      throw new StreamPlatformError('kick', `Kick answered the subscription for ${streamer.login} without a subscription id`, {
        transient: false,
        status: response.status,
      });
    }
    return { externalIds, leaseExpiresAt: null };
  }

  async function unsubscribe(_streamer: Streamer, subscription: { externalIds: readonly string[]; callbackUrl: string }): Promise<void> {
    for (const id of new Set(subscription.externalIds)) {
      const response = await api('DELETE', '/events/subscriptions', [['id', id]]);
      if (response.status === 404 || (response.status >= 200 && response.status <= 299)) continue;
      throw http.failure(response, 'the subscription removal');
    }
  }

  async function liveStreams(streamerIds: readonly string[]): Promise<Map<string, LiveStream>> {
    const live = new Map<string, LiveStream>();
    const ids = streamerIds.filter((id) => BROADCASTER_ID.test(id));
    for (const batch of idBatches(ids, LIVESTREAMS_PER_REQUEST)) {
      const params: [string, string][] = batch.map((id) => ['broadcaster_user_id', id]);
      params.push(['limit', String(LIVESTREAMS_PER_REQUEST)]);
      const streams = http.readJson(await api('GET', '/livestreams', params), livestreamsAnswer, 'the livestreams lookup');
      for (const stream of streams.data) {
        const startedAt = Date.parse(stream.started_at);
        live.set(stream.broadcaster_user_id, {
          streamId: stream.id === undefined || stream.id === '' ? String(startedAt) : String(stream.id),
          streamerId: stream.broadcaster_user_id,
          title: stream.stream_title,
          startedAt,
          url: `https://kick.com/${stream.slug}`,
          thumbnailUrl: stream.thumbnail === undefined || stream.thumbnail === null || stream.thumbnail === '' ? null : stream.thumbnail,
          category: stream.category?.name || null,
        });
      }
    }
    return live;
  }

  async function endedStreams(streams: readonly { streamerId: string; streamId: string }[]): Promise<Set<string>> {
    return streamsNoLongerLive(streams, await liveStreams(streams.map((stream) => stream.streamerId)));
  }

  async function fetchPublicKey(): Promise<string> {
    // Public: Kick serves its key without a token.
    const response = await http.send({ method: 'GET', url: endpoint(options.apiUrl, '/public-key') });
    return http.readJson(response, publicKeyAnswer, 'the public key request').data.public_key;
  }

  function publicKey(): Promise<string> {
    publicKeyPem ??= fetchPublicKey().catch((error: unknown) => {
      publicKeyPem = undefined;
      throw error;
    });
    return publicKeyPem;
  }

  return { platform: 'kick', resolveStreamer, subscribe, unsubscribe, liveStreams, endedStreams, publicKey };
}
