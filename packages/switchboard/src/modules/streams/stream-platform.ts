/**
 * What go-live notifications need of a streaming platform (Twitch, YouTube, Kick): find a streamer, learn
 * when they go live (a webhook subscription, or polling), and read a stream's state. One implementation
 * per platform sits in `platforms/`; the go-live service only speaks this interface.
 */

export type StreamPlatformName = 'twitch' | 'youtube' | 'kick';

export const STREAM_PLATFORMS: readonly StreamPlatformName[] = ['twitch', 'youtube', 'kick'];

/** A channel on a platform, as the platform identifies it. */
export type Streamer = {
  platform: StreamPlatformName;
  /** Twitch user id, YouTube channel id (UC…), Kick broadcaster user id. */
  id: string;
  /** Twitch login, YouTube handle or channel title, Kick slug: what people type. */
  login: string;
  displayName: string;
  /** The channel's page. */
  url: string;
};

/** A stream that is (or was) live. */
export type LiveStream = {
  /** Twitch stream id, YouTube video id, Kick livestream id (or the start time where Kick gives none). */
  streamId: string;
  streamerId: string;
  title: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
  /** Where to watch. */
  url: string;
  thumbnailUrl: string | null;
  /** Twitch's game/category name, Kick's category; null on YouTube. */
  category: string | null;
};

/** Where the platform is to send its notifications for one subscription. */
export type WebhookTarget = {
  /** The hub's public callback URL for this platform (and, for YouTube, this subscription). */
  callbackUrl: string;
  /** The HMAC secret the platform signs with (Twitch, YouTube); Kick signs with its own RSA key. */
  secret: string;
};

/** What the platform answered to a webhook subscription. */
export type PlatformSubscription = {
  /** The platform's ids for the subscription(s) made, to delete them later (Twitch: online and offline). */
  externalIds: string[];
  /** When a lease ends and must be renewed (YouTube WebSub); null when it does not. */
  leaseExpiresAt: number | null;
};

/** A platform's answer that means "this will not work": bad credentials, an unknown channel, a refused subscription. */
export class StreamPlatformError extends Error {
  readonly platform: StreamPlatformName;
  /** True when trying again later may succeed (network failure, 5xx, 429). */
  readonly transient: boolean;
  readonly status: number | null;

  constructor(platform: StreamPlatformName, message: string, details: { transient: boolean; status: number | null; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'StreamPlatformError';
    this.platform = platform;
    this.transient = details.transient;
    this.status = details.status;
  }
}

export interface StreamPlatformClient {
  readonly platform: StreamPlatformName;
  /** Finds a streamer by what a person typed (login, slug, handle, channel id or channel URL); undefined when none. */
  resolveStreamer(query: string): Promise<Streamer | undefined>;
  /** Asks the platform to notify `target` when `streamer` goes live (and, where it can, offline). */
  subscribe(streamer: Streamer, target: WebhookTarget): Promise<PlatformSubscription>;
  /** Removes what `subscribe` made. Already gone is not an error. */
  unsubscribe(streamer: Streamer, subscription: { externalIds: readonly string[]; callbackUrl: string }): Promise<void>;
  /**
   * The streams live right now among `streamerIds` (polling, and confirming a webhook's claim). Keyed by
   * streamer id; a streamer not in the map is offline.
   */
  liveStreams(streamerIds: readonly string[]): Promise<Map<string, LiveStream>>;
  /**
   * Of these announced streams, the ids of those that are over: on Twitch and Kick the streamer is offline
   * or live with another stream; on YouTube the video has an end time (one cheap videos call, no search).
   */
  endedStreams(streams: readonly { streamerId: string; streamId: string }[]): Promise<Set<string>>;
}

/** YouTube's WebSub notifications name a video, not a stream: whether that video is a live broadcast now. */
export interface YouTubeStreamClient extends StreamPlatformClient {
  readonly platform: 'youtube';
  /** The live stream this video is, when it is live now; undefined for an upload, a premiere not started or an ended broadcast. */
  liveVideo(videoId: string): Promise<LiveStream | undefined>;
}
