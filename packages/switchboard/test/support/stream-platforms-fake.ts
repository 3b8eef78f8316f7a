/**
 * One local HTTP server playing Twitch, Kick and YouTube for go-live tests, with state: streamers,
 * app tokens, webhook subscriptions and live streams. It checks credentials as the platforms do,
 * verifies callbacks before it counts a subscription (Twitch's EventSub challenge, YouTube's WebSub
 * intent check), and signs what it sends the way each platform documents:
 *
 * - Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=` HMAC-SHA256(secret, id + timestamp + body).
 * - Kick: `Kick-Event-Signature`, base64 RSA-SHA256 (PKCS#1 v1.5) over `id.timestamp.body`, with a key
 *   pair made at start whose public half `GET /public-key` serves.
 * - YouTube WebSub: `X-Hub-Signature: sha1=` HMAC-SHA1(hub.secret, body) over an Atom feed.
 *
 * Paths: Twitch under `/twitch` (`/oauth2/token`, `/helix/…`), Kick under `/kick` (`/oauth/token`,
 * `/public/v1/…`), YouTube under `/youtube` (`/api/…` for the Data API, `/hub` for WebSub).
 * Unlike production, callbacks may be plain http on any port, and app tokens last an hour.
 *
 * `startCallbackReceiver` is the other end for tests that have no hub running: a server that records
 * what the fake sends and answers as the test says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type FakePlatform = 'twitch' | 'kick' | 'youtube';

export type FakeWebhookRequest = { url: string; method: string; headers: Record<string, string>; body: string };
export type FakeDelivery = { url: string; status: number };

export type FakeSubscription = { id: string; streamerId: string; type?: string; callbackUrl: string; status: string; leaseSeconds?: number };

export type StreamPlatformsFake = {
  url: string;
  twitch: { clientId: string; clientSecret: string; oauthBaseUrl: string /* `${oauthBaseUrl}/token` is the token endpoint */; apiUrl: string };
  kick: {
    clientId: string;
    clientSecret: string;
    oauthBaseUrl: string;
    apiUrl: string;
    publicKeyPem: string;
    /** where Kick webhooks are sent (the app's configured webhook URL) */
    setWebhookUrl(url: string): void;
  };
  youtube: { apiKey: string; apiUrl: string; hubUrl: string };
  /** A new channel. Twitch and Kick ids are numbers (as strings); YouTube's is `UC…` and its login the handle, `@login`. */
  addStreamer(platform: FakePlatform, streamer: { login: string; displayName?: string }): { id: string; login: string };
  /** Marks the streamer live and sends the platform's signed notification(s) to every verified subscription; resolves with what the receivers answered. */
  goLive(
    platform: FakePlatform,
    streamerId: string,
    stream?: { title?: string; category?: string },
  ): Promise<{ streamId: string; deliveries: FakeDelivery[] }>;
  /** Ends the stream (Twitch: stream.offline notification; Kick: livestream.status.updated is_live=false; YouTube: no notification, the video gets actualEndTime). */
  goOffline(platform: FakePlatform, streamerId: string): Promise<{ deliveries: FakeDelivery[] }>;
  /** YouTube: a plain upload (not a broadcast), announced on the channel's feed like any new video. */
  publishUpload(channelId: string, title?: string): Promise<{ videoId: string; deliveries: FakeDelivery[] }>;
  /** The last webhook request sent on a platform (challenges and verifications included), to replay it or tamper with it. */
  lastWebhook(platform: FakePlatform): FakeWebhookRequest | undefined;
  /** Sends a raw request (a replay, a forged one) and returns status and body. */
  send(request: FakeWebhookRequest): Promise<{ status: number; body: string }>;
  /** Twitch: sends a revocation message for the streamer's subscriptions (status e.g. 'authorization_revoked'). */
  revokeTwitch(streamerId: string, status?: string): Promise<{ status: number }[]>;
  subscriptions(platform: FakePlatform): FakeSubscription[];
  /** Request counts by route, e.g. 'GET /youtube/api/search'. */
  requestCounts(): Record<string, number>;
  /** Forgets every token issued on the platform, as when they are revoked: the next API call gets a 401. */
  invalidateTokens(platform: 'twitch' | 'kick'): void;
  /**
   * The next `times` (default 1) API requests on the platform, token endpoints excepted, are answered
   * with `status`, in the platform's error format; `reason` is YouTube's error reason (e.g. `quotaExceeded`).
   */
  failNext(platform: FakePlatform, status: number, options?: { times?: number; reason?: string }): void;
  /** Resolves once every callback verification and delivery started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

type Account = { id: string; login: string; displayName: string };
type TwitchSubscription = {
  id: string;
  type: 'stream.online' | 'stream.offline';
  broadcasterId: string;
  callback: string;
  secret: string;
  status: string;
  createdAt: string;
};
type TwitchStream = { id: string; userId: string; title: string; category: string; startedAt: string };
type KickSubscription = { id: string; broadcasterId: string; name: string; version: number; createdAt: string };
type KickStream = { title: string; category: string; startedAt: string };
type YouTubeVideo = {
  id: string;
  channelId: string;
  title: string;
  publishedAt: string;
  broadcast?: { actualStartTime: string; actualEndTime?: string };
};
type WebSubSubscription = {
  id: string;
  channelId: string;
  topic: string;
  callback: string;
  secret: string;
  leaseSeconds: number;
  expiresAt: number;
  status: 'verification_pending' | 'verified' | 'verification_failed';
};
type Token = { platform: 'twitch' | 'kick'; clientId: string; expiresAt: number };
type Reply = { status: number; headers?: Record<string, string>; body?: string };

const TOKEN_LIFETIME_SECONDS = 3600;
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_LEASE_SECONDS = 432_000;
const MAX_LEASE_SECONDS = 864_000;
const TOPIC = /^https:\/\/www\.youtube\.com\/xml\/feeds\/videos\.xml\?channel_id=(UC[A-Za-z0-9_-]{22})$/;
const LOGIN_RULES: Readonly<Record<FakePlatform, RegExp>> = {
  twitch: /^[a-z0-9_]{1,25}$/,
  kick: /^[a-z0-9_-]{1,25}$/,
  youtube: /^[a-z0-9._-]{3,30}$/,
};

export async function startStreamPlatformsFake(): Promise<StreamPlatformsFake> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kickPrivateKey: KeyObject = keys.privateKey;
  const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const credentials = {
    twitch: { clientId: `twitchclient${hex(8)}`, clientSecret: hex(16) },
    kick: { clientId: `kickclient${hex(8)}`, clientSecret: hex(16) },
    youtubeKey: `AIzaFake${randomBytes(24).toString('base64url')}`,
  };

  const accounts: Record<FakePlatform, Map<string, Account>> = { twitch: new Map(), kick: new Map(), youtube: new Map() };
  const tokens = new Map<string, Token>();
  const counts = new Map<string, number>();
  const failures: Record<FakePlatform, { status: number; reason: string }[]> = { twitch: [], kick: [], youtube: [] };
  const lastWebhooks = new Map<FakePlatform, FakeWebhookRequest>();
  const pending = new Set<Promise<unknown>>();
  let sequence = 0;

  const twitchSubscriptions: TwitchSubscription[] = [];
  const twitchStreams = new Map<string, TwitchStream>();
  const kickSubscriptions: KickSubscription[] = [];
  const kickStreams = new Map<string, KickStream>();
  let kickWebhookUrl: string | undefined;
  const videos = new Map<string, YouTubeVideo>();
  const webSubSubscriptions: WebSubSubscription[] = [];

  let baseUrl = '';

  // ---- plumbing ------------------------------------------------------------------------------

  function track<T>(work: Promise<T>): Promise<T> {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  }

  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  /** Sends a request as the platform would, remembering it; status 0 when the receiver could not be reached. */
  async function deliver(platform: FakePlatform, request: FakeWebhookRequest): Promise<{ status: number; body: string }> {
    lastWebhooks.set(platform, { ...request, headers: { ...request.headers } });
    try {
      return await send(request);
    } catch {
      return { status: 0, body: '' };
    }
  }

  async function send(request: FakeWebhookRequest): Promise<{ status: number; body: string }> {
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? request.body : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  }

  function json(status: number, body: unknown): Reply {
    return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  }

  function plain(status: number, body: string): Reply {
    return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
  }

  function issueToken(platform: 'twitch' | 'kick', clientId: string): { access_token: string; expires_in: number } {
    const accessToken = randomBytes(20).toString('base64url');
    tokens.set(accessToken, { platform, clientId, expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000 });
    return { access_token: accessToken, expires_in: TOKEN_LIFETIME_SECONDS };
  }

  function bearer(headers: http.IncomingHttpHeaders, platform: 'twitch' | 'kick'): Token | undefined {
    const match = /^Bearer (\S+)$/i.exec(headers.authorization ?? '');
    const token = match?.[1] === undefined ? undefined : tokens.get(match[1]);
    if (token === undefined || token.platform !== platform || token.expiresAt <= Date.now()) return undefined;
    return token;
  }

  function parseJsonBody(body: string): unknown {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }

  // ---- Twitch --------------------------------------------------------------------------------

  function twitchError(status: number, message: string): Reply {
    return json(status, { error: http.STATUS_CODES[status] ?? 'Error', status, message });
  }

  function twitchSubscriptionView(subscription: TwitchSubscription): Record<string, unknown> {
    return {
      id: subscription.id,
      status: subscription.status,
      type: subscription.type,
      version: '1',
      condition: { broadcaster_user_id: subscription.broadcasterId },
      created_at: subscription.createdAt,
      transport: { method: 'webhook', callback: subscription.callback },
      cost: 1,
    };
  }

  function twitchTotals(): Record<string, number> {
    const live = twitchSubscriptions.filter((subscription) => subscription.status !== 'webhook_callback_verification_failed');
    return { total: live.length, total_cost: live.length, max_total_cost: 10_000 };
  }

  /** An EventSub message: signed over id + timestamp + body with the subscription's secret. */
  function twitchMessage(subscription: TwitchSubscription, messageType: string, payload: unknown): FakeWebhookRequest {
    const body = JSON.stringify(payload);
    const messageId = randomUUID();
    const timestamp = nanosecondTimestamp();
    const signature = createHmac('sha256', subscription.secret).update(messageId + timestamp + body).digest('hex');
    return {
      url: subscription.callback,
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Twitch-Eventsub-Message-Id': messageId,
        'Twitch-Eventsub-Message-Retry': '0',
        'Twitch-Eventsub-Message-Type': messageType,
        'Twitch-Eventsub-Message-Signature': `sha256=${signature}`,
        'Twitch-Eventsub-Message-Timestamp': timestamp,
        'Twitch-Eventsub-Subscription-Type': subscription.type,
        'Twitch-Eventsub-Subscription-Version': '1',
      },
      body,
    };
  }

  async function verifyTwitchCallback(subscription: TwitchSubscription): Promise<void> {
    const challenge = randomBytes(24).toString('base64url');
    const answer = await deliver('twitch', twitchMessage(subscription, 'webhook_callback_verification', { challenge, subscription: twitchSubscriptionView(subscription) }));
    subscription.status = answer.status === 200 && answer.body === challenge ? 'enabled' : 'webhook_callback_verification_failed';
  }

  function twitchToken(request: http.IncomingMessage, url: URL, body: string): Reply {
    // Twitch takes the parameters in the query string or the form body.
    const form = new URLSearchParams(body);
    const param = (name: string): string | null => url.searchParams.get(name) ?? form.get(name);
    if (request.method !== 'POST') return twitchError(405, 'method not allowed');
    if (param('grant_type') !== 'client_credentials') return json(400, { status: 400, message: 'invalid grant type' });
    if (param('client_id') !== credentials.twitch.clientId) return json(401, { status: 401, message: 'invalid client' });
    if (param('client_secret') !== credentials.twitch.clientSecret) return json(401, { status: 401, message: 'invalid client secret' });
    return json(200, { ...issueToken('twitch', credentials.twitch.clientId), token_type: 'bearer' });
  }

  function twitchApi(request: http.IncomingMessage, url: URL, route: string, body: string): Reply {
    const token = bearer(request.headers, 'twitch');
    if (token === undefined) return twitchError(401, 'Invalid OAuth token');
    const clientId = request.headers['client-id'];
    if (clientId === undefined || clientId === '') return twitchError(401, 'Client-Id header required');
    if (clientId !== token.clientId) return twitchError(401, 'Client ID and OAuth token do not match');
    const query = url.searchParams;

    switch (`${request.method} ${route}`) {
      case 'GET /users': {
        const ids = query.getAll('id');
        const logins = query.getAll('login').map((login) => login.toLowerCase());
        if (ids.length + logins.length === 0) return twitchError(400, 'Must provide an ID, Login or OAuth Token');
        if (ids.length + logins.length > 100) return twitchError(400, 'The sum of id and login parameters may not exceed 100');
        const data = [...accounts.twitch.values()]
          .filter((user) => ids.includes(user.id) || logins.includes(user.login))
          .map((user) => ({
            id: user.id,
            login: user.login,
            display_name: user.displayName,
            type: '',
            broadcaster_type: '',
            description: '',
            profile_image_url: '',
            offline_image_url: '',
            view_count: 0,
            created_at: '2020-01-01T00:00:00Z',
          }));
        return json(200, { data });
      }
      case 'GET /streams': {
        const userIds = query.getAll('user_id');
        const userLogins = query.getAll('user_login').map((login) => login.toLowerCase());
        if (userIds.length > 100 || userLogins.length > 100) return twitchError(400, 'too many user_id or user_login values (max 100)');
        const first = query.get('first') === null ? 20 : Number(query.get('first'));
        if (!Number.isInteger(first) || first < 1 || first > 100) return twitchError(400, 'first must be between 1 and 100');
        const filtered = userIds.length + userLogins.length > 0;
        const data = [...twitchStreams.values()]
          .filter((stream) => {
            if (!filtered) return true;
            const user = accounts.twitch.get(stream.userId);
            return userIds.includes(stream.userId) || (user !== undefined && userLogins.includes(user.login));
          })
          .slice(0, first)
          .map((stream) => twitchStreamView(stream));
        return json(200, { data, pagination: {} });
      }
      case 'POST /eventsub/subscriptions':
        return twitchCreateSubscription(request, body);
      case 'GET /eventsub/subscriptions': {
        const filters = ['status', 'type', 'user_id'].filter((name) => query.has(name));
        if (filters.length > 1) return twitchError(400, 'only one of status, type and user_id may be given');
        const matching = twitchSubscriptions.filter(
          (subscription) =>
            (!query.has('status') || subscription.status === query.get('status')) &&
            (!query.has('type') || subscription.type === query.get('type')) &&
            (!query.has('user_id') || subscription.broadcasterId === query.get('user_id')),
        );
        // A page of 100, with an opaque cursor, as Helix pages its lists.
        const start = query.has('after') ? Number(Buffer.from(query.get('after') ?? '', 'base64url').toString('utf8')) : 0;
        if (!Number.isInteger(start) || start < 0) return twitchError(400, 'invalid cursor');
        const page = matching.slice(start, start + 100);
        const next = start + 100 < matching.length ? Buffer.from(String(start + 100), 'utf8').toString('base64url') : undefined;
        return json(200, { data: page.map(twitchSubscriptionView), ...twitchTotals(), pagination: next === undefined ? {} : { cursor: next } });
      }
      case 'DELETE /eventsub/subscriptions': {
        const id = query.get('id');
        if (id === null || id === '') return twitchError(400, 'Missing required parameter "id"');
        const index = twitchSubscriptions.findIndex((subscription) => subscription.id === id);
        if (index < 0) return twitchError(404, 'subscription not found');
        twitchSubscriptions.splice(index, 1);
        return { status: 204 };
      }
      default:
        return twitchError(404, `no such endpoint: ${request.method ?? ''} ${route}`);
    }
  }

  function twitchCreateSubscription(request: http.IncomingMessage, body: string): Reply {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return twitchError(400, 'Content-Type must be application/json');
    const input = parseJsonBody(body);
    if (!isRecord(input)) return twitchError(400, 'the body must be a JSON object');
    const { type, version, condition, transport } = input;
    if (type !== 'stream.online' && type !== 'stream.offline') return twitchError(400, 'invalid subscription type');
    if (version !== '1') return twitchError(400, 'invalid subscription version');
    const broadcasterId = isRecord(condition) ? condition.broadcaster_user_id : undefined;
    if (typeof broadcasterId !== 'string' || !accounts.twitch.has(broadcasterId)) return twitchError(400, 'invalid condition: unknown broadcaster_user_id');
    if (!isRecord(transport) || transport.method !== 'webhook') return twitchError(400, 'transport.method must be webhook');
    const callback = transport.callback;
    if (typeof callback !== 'string' || !isHttpUrl(callback)) return twitchError(400, 'transport.callback must be an http(s) URL');
    const secret = transport.secret;
    if (typeof secret !== 'string' || secret.length < 10 || secret.length > 100) return twitchError(400, 'transport.secret must be 10 to 100 characters');
    const duplicate = twitchSubscriptions.some(
      (existing) => existing.type === type && existing.broadcasterId === broadcasterId && existing.status !== 'webhook_callback_verification_failed',
    );
    if (duplicate) return twitchError(409, 'subscription already exists');

    const subscription: TwitchSubscription = {
      id: randomUUID(),
      type,
      broadcasterId,
      callback,
      secret,
      status: 'webhook_callback_verification_pending',
      createdAt: new Date().toISOString(),
    };
    twitchSubscriptions.push(subscription);
    // Twitch answers first, then challenges the callback.
    void track(new Promise((resolve) => setImmediate(resolve)).then(() => verifyTwitchCallback(subscription)));
    return json(202, { data: [twitchSubscriptionView(subscription)], ...twitchTotals() });
  }

  function twitchStreamView(stream: TwitchStream): Record<string, unknown> {
    const user = accounts.twitch.get(stream.userId);
    return {
      id: stream.id,
      user_id: stream.userId,
      user_login: user?.login ?? '',
      user_name: user?.displayName ?? '',
      game_id: stream.category === '' ? '' : '509658',
      game_name: stream.category,
      type: 'live',
      title: stream.title,
      tags: [],
      viewer_count: 1,
      started_at: stream.startedAt,
      language: 'en',
      thumbnail_url: `https://static-cdn.jtvnw.net/previews-ttv/live_user_${user?.login ?? ''}-{width}x{height}.jpg`,
      is_mature: false,
    };
  }

  async function twitchNotify(type: TwitchSubscription['type'], broadcasterId: string, event: Record<string, unknown>): Promise<FakeDelivery[]> {
    const targets = twitchSubscriptions.filter((subscription) => subscription.type === type && subscription.broadcasterId === broadcasterId && subscription.status === 'enabled');
    return Promise.all(
      targets.map(async (subscription) => {
        const answer = await track(deliver('twitch', twitchMessage(subscription, 'notification', { subscription: twitchSubscriptionView(subscription), event })));
        return { url: subscription.callback, status: answer.status };
      }),
    );
  }

  // ---- Kick ----------------------------------------------------------------------------------

  function kickToken(request: http.IncomingMessage, body: string): Reply {
    if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    if (form.get('client_id') !== credentials.kick.clientId || form.get('client_secret') !== credentials.kick.clientSecret) {
      return json(401, { error: 'invalid_client', error_description: 'client authentication failed' });
    }
    return json(200, { ...issueToken('kick', credentials.kick.clientId), token_type: 'Bearer', scope: '' });
  }

  function kickError(status: number, message: string): Reply {
    return json(status, { data: {}, message });
  }

  function kickApi(request: http.IncomingMessage, url: URL, route: string, body: string): Reply {
    // The key Kick signs with is public: no token needed.
    if (request.method === 'GET' && route === '/public-key') return json(200, { data: { public_key: publicKeyPem }, message: 'OK' });
    if (bearer(request.headers, 'kick') === undefined) return kickError(401, 'Unauthorized');
    const query = url.searchParams;

    switch (`${request.method} ${route}`) {
      case 'GET /channels': {
        const slugs = query.getAll('slug').map((slug) => slug.toLowerCase());
        const ids = query.getAll('broadcaster_user_id');
        if (slugs.length > 0 && ids.length > 0) return kickError(400, 'slug and broadcaster_user_id cannot be combined');
        if (slugs.length + ids.length === 0) return kickError(400, 'an app token needs slug or broadcaster_user_id');
        if (slugs.length > 50 || ids.length > 50) return kickError(400, 'at most 50 values');
        const data = [...accounts.kick.values()].filter((user) => slugs.includes(user.login) || ids.includes(user.id)).map(kickChannelView);
        return json(200, { data, message: 'OK' });
      }
      case 'GET /livestreams': {
        const ids = query.getAll('broadcaster_user_id');
        if (ids.length > 50) return kickError(400, 'at most 50 broadcaster_user_id values');
        if (ids.some((id) => !/^[0-9]+$/.test(id))) return kickError(400, 'broadcaster_user_id must be a number');
        const limit = query.get('limit') === null ? 25 : Number(query.get('limit'));
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) return kickError(400, 'limit must be between 1 and 100');
        const data = [...kickStreams.entries()]
          .filter(([id]) => ids.length === 0 || ids.includes(id))
          .slice(0, limit)
          .map(([id, stream]) => {
            const user = accounts.kick.get(id);
            return {
              broadcaster_user_id: Number(id),
              category: { id: 15, name: stream.category, thumbnail: '' },
              channel_id: Number(id),
              has_mature_content: false,
              language: 'en',
              slug: user?.login ?? '',
              started_at: stream.startedAt,
              stream_title: stream.title,
              thumbnail: `https://images.kick.com/video_thumbnails/${user?.login ?? ''}/thumb.webp`,
              viewer_count: 1,
            };
          });
        return json(200, { data, message: 'OK' });
      }
      case 'POST /events/subscriptions':
        return kickCreateSubscriptions(request, body);
      case 'GET /events/subscriptions': {
        const data = kickSubscriptions.map((subscription) => ({
          id: subscription.id,
          app_id: credentials.kick.clientId,
          broadcaster_user_id: Number(subscription.broadcasterId),
          created_at: subscription.createdAt,
          event: subscription.name,
          method: 'webhook',
          updated_at: subscription.createdAt,
          version: subscription.version,
        }));
        return json(200, { data, message: 'OK' });
      }
      case 'DELETE /events/subscriptions': {
        const ids = query.getAll('id');
        if (ids.length === 0) return kickError(400, 'id is required');
        for (let index = kickSubscriptions.length - 1; index >= 0; index -= 1) {
          if (ids.includes(kickSubscriptions[index]?.id ?? '')) kickSubscriptions.splice(index, 1);
        }
        return { status: 204 };
      }
      default:
        return kickError(404, `no such endpoint: ${request.method ?? ''} ${route}`);
    }
  }

  function kickChannelView(user: Account): Record<string, unknown> {
    const stream = kickStreams.get(user.id);
    return {
      banner_picture: '',
      broadcaster_user_id: Number(user.id),
      category: { id: 15, name: stream?.category ?? '', thumbnail: '' },
      channel_description: '',
      slug: user.login,
      stream: {
        is_live: stream !== undefined,
        is_mature: false,
        key: '',
        language: 'en',
        start_time: stream?.startedAt ?? '0001-01-01T00:00:00Z',
        thumbnail: '',
        url: '',
        viewer_count: stream === undefined ? 0 : 1,
      },
      stream_title: stream?.title ?? '',
    };
  }

  function kickCreateSubscriptions(request: http.IncomingMessage, body: string): Reply {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return kickError(400, 'Content-Type must be application/json');
    const input = parseJsonBody(body);
    if (!isRecord(input)) return kickError(400, 'the body must be a JSON object');
    if (input.method !== 'webhook') return kickError(400, 'method must be webhook');
    const broadcasterId = input.broadcaster_user_id;
    if (typeof broadcasterId !== 'number' || !Number.isSafeInteger(broadcasterId)) return kickError(400, 'broadcaster_user_id (a number) is required with an app token');
    if (!Array.isArray(input.events) || input.events.length === 0) return kickError(400, 'events must be a non-empty list');
    const data = input.events.map((event: unknown) => {
      const name = isRecord(event) && typeof event.name === 'string' ? event.name : '';
      const version = isRecord(event) && typeof event.version === 'number' ? event.version : 0;
      if (name !== 'livestream.status.updated' || version !== 1) return { name, version, error: 'event or version not supported' };
      if (!accounts.kick.has(String(broadcasterId))) return { name, version, error: 'broadcaster not found' };
      // Subscribing twice to the same event gives back the existing subscription.
      let subscription = kickSubscriptions.find((existing) => existing.broadcasterId === String(broadcasterId) && existing.name === name && existing.version === version);
      if (subscription === undefined) {
        subscription = { id: ulid(), broadcasterId: String(broadcasterId), name, version, createdAt: new Date().toISOString() };
        kickSubscriptions.push(subscription);
      }
      return { name, version, subscription_id: subscription.id };
    });
    return json(200, { data, message: 'OK' });
  }

  async function kickNotify(user: Account, payload: Record<string, unknown>): Promise<FakeDelivery[]> {
    const webhookUrl = kickWebhookUrl;
    if (webhookUrl === undefined) return [];
    const targets = kickSubscriptions.filter((subscription) => subscription.broadcasterId === user.id && subscription.name === 'livestream.status.updated');
    return Promise.all(
      targets.map(async (subscription) => {
        const body = JSON.stringify({
          broadcaster: {
            is_anonymous: false,
            user_id: Number(user.id),
            username: user.displayName,
            is_verified: false,
            profile_picture: '',
            channel_slug: user.login,
          },
          ...payload,
        });
        const messageId = ulid();
        const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const signature = sign('sha256', Buffer.from(`${messageId}.${timestamp}.${body}`, 'utf8'), {
          key: kickPrivateKey,
          padding: constants.RSA_PKCS1_PADDING,
        }).toString('base64');
        const answer = await track(
          deliver('kick', {
            url: webhookUrl,
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'Kick-Event-Message-Id': messageId,
              'Kick-Event-Subscription-Id': subscription.id,
              'Kick-Event-Signature': signature,
              'Kick-Event-Message-Timestamp': timestamp,
              'Kick-Event-Type': 'livestream.status.updated',
              'Kick-Event-Version': '1',
            },
            body,
          }),
        );
        return { url: webhookUrl, status: answer.status };
      }),
    );
  }

  // ---- YouTube -------------------------------------------------------------------------------

  function googleError(status: number, reason: string, message: string, grpcStatus: string): Reply {
    return json(status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: grpcStatus } });
  }

  function youtubeApi(request: http.IncomingMessage, url: URL, route: string): Reply {
    const query = url.searchParams;
    const key = query.get('key');
    if (key === null || key === '') {
      return googleError(403, 'forbidden', 'Method doesn\'t allow unregistered callers. Please use an API key.', 'PERMISSION_DENIED');
    }
    if (key !== credentials.youtubeKey) return googleError(400, 'badRequest', 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT');
    if (request.method !== 'GET') return googleError(405, 'methodNotAllowed', 'Only GET is supported here.', 'UNIMPLEMENTED');
    const parts = (query.get('part') ?? '').split(',').filter((part) => part !== '');
    if (parts.length === 0) return googleError(400, 'required', 'Required parameter: part', 'INVALID_ARGUMENT');

    switch (route) {
      case '/channels': {
        const ids = (query.get('id') ?? '').split(',').filter((id) => id !== '');
        const handle = query.get('forHandle');
        if (ids.length === 0 && handle === null) return googleError(400, 'missingRequiredParameter', 'No filter selected.', 'INVALID_ARGUMENT');
        if (ids.length > 50) return googleError(400, 'invalidParameter', 'At most 50 ids.', 'INVALID_ARGUMENT');
        const wanted = handle === null ? undefined : handle.replace(/^@/, '').toLowerCase();
        const items = [...accounts.youtube.values()]
          .filter((channel) => ids.includes(channel.id) || channel.login === `@${wanted ?? '\u0000'}`)
          .map((channel) => ({
            kind: 'youtube#channel',
            etag: hex(8),
            id: channel.id,
            ...(parts.includes('snippet')
              ? { snippet: { title: channel.displayName, description: '', customUrl: channel.login, publishedAt: '2015-01-01T00:00:00Z', thumbnails: {} } }
              : {}),
          }));
        // The Data API leaves `items` out when nothing matched.
        return json(200, { kind: 'youtube#channelListResponse', etag: hex(8), pageInfo: { totalResults: items.length, resultsPerPage: 5 }, ...(items.length > 0 ? { items } : {}) });
      }
      case '/search': {
        const eventType = query.get('eventType');
        if (eventType !== null && query.get('type') !== 'video') {
          return googleError(400, 'invalidSearchFilter', 'eventType requires the type parameter to be set to video.', 'INVALID_ARGUMENT');
        }
        if (eventType !== null && !['live', 'upcoming', 'completed'].includes(eventType)) {
          return googleError(400, 'invalidParameter', 'eventType must be live, upcoming or completed.', 'INVALID_ARGUMENT');
        }
        const channelId = query.get('channelId');
        const items = [...videos.values()]
          .filter((video) => channelId === null || video.channelId === channelId)
          .filter((video) => {
            if (eventType === 'live') return video.broadcast !== undefined && video.broadcast.actualEndTime === undefined;
            if (eventType === 'completed') return video.broadcast?.actualEndTime !== undefined;
            if (eventType === 'upcoming') return false;
            return true;
          })
          .map((video) => ({
            kind: 'youtube#searchResult',
            etag: hex(8),
            id: { kind: 'youtube#video', videoId: video.id },
            snippet: { ...videoSnippet(video), publishTime: video.publishedAt },
          }));
        return json(200, { kind: 'youtube#searchListResponse', etag: hex(8), regionCode: 'US', pageInfo: { totalResults: items.length, resultsPerPage: 5 }, items });
      }
      case '/videos': {
        const ids = (query.get('id') ?? '').split(',').filter((id) => id !== '');
        if (ids.length === 0) return googleError(400, 'missingRequiredParameter', 'No filter selected.', 'INVALID_ARGUMENT');
        if (ids.length > 50) return googleError(400, 'invalidParameter', 'At most 50 ids.', 'INVALID_ARGUMENT');
        const items = ids.flatMap((id) => {
          const video = videos.get(id);
          if (video === undefined) return [];
          const item: Record<string, unknown> = { kind: 'youtube#video', etag: hex(8), id: video.id };
          if (parts.includes('snippet')) item.snippet = videoSnippet(video);
          if (parts.includes('liveStreamingDetails') && video.broadcast !== undefined) {
            item.liveStreamingDetails = {
              actualStartTime: video.broadcast.actualStartTime,
              scheduledStartTime: video.broadcast.actualStartTime,
              ...(video.broadcast.actualEndTime === undefined ? { concurrentViewers: '1' } : { actualEndTime: video.broadcast.actualEndTime }),
            };
          }
          return [item];
        });
        return json(200, { kind: 'youtube#videoListResponse', etag: hex(8), pageInfo: { totalResults: items.length, resultsPerPage: items.length }, items });
      }
      default:
        return googleError(404, 'notFound', `No such endpoint: ${route}`, 'NOT_FOUND');
    }
  }

  function videoSnippet(video: YouTubeVideo): Record<string, unknown> {
    const thumbnail = (name: string, width: number, height: number): Record<string, unknown> => ({
      url: `https://i.ytimg.com/vi/${video.id}/${name}.jpg`,
      width,
      height,
    });
    return {
      publishedAt: video.publishedAt,
      channelId: video.channelId,
      title: video.title,
      description: '',
      thumbnails: { default: thumbnail('default', 120, 90), medium: thumbnail('mqdefault', 320, 180), high: thumbnail('hqdefault', 480, 360) },
      channelTitle: accounts.youtube.get(video.channelId)?.displayName ?? '',
      liveBroadcastContent: video.broadcast !== undefined && video.broadcast.actualEndTime === undefined ? 'live' : 'none',
    };
  }

  function webSubHub(request: http.IncomingMessage, body: string): Reply {
    if (request.method !== 'POST') return plain(405, 'Only POST is supported');
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return plain(400, 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);
    const mode = form.get('hub.mode');
    const callback = form.get('hub.callback');
    const topic = form.get('hub.topic');
    if (mode !== 'subscribe' && mode !== 'unsubscribe') return plain(400, 'Invalid value for hub.mode');
    if (callback === null || !isHttpUrl(callback)) return plain(400, 'Invalid value for hub.callback');
    const channelId = topic === null ? undefined : TOPIC.exec(topic)?.[1];
    if (topic === null || channelId === undefined) return plain(400, 'Invalid value for hub.topic');
    const verify = form.get('hub.verify');
    if (verify !== null && verify !== 'async' && verify !== 'sync') return plain(400, 'Invalid value for hub.verify');
    const leaseText = form.get('hub.lease_seconds');
    if (leaseText !== null && leaseText !== '' && !/^[0-9]{1,10}$/.test(leaseText)) return plain(400, 'Invalid value for hub.lease_seconds');
    const leaseSeconds = Math.min(MAX_LEASE_SECONDS, leaseText === null || leaseText === '' ? DEFAULT_LEASE_SECONDS : Math.max(1, Number(leaseText)));
    const secret = form.get('hub.secret') ?? '';
    if (Buffer.byteLength(secret) > 200) return plain(400, 'Invalid value for hub.secret');

    let subscription = webSubSubscriptions.find((existing) => existing.callback === callback && existing.topic === topic);
    if (mode === 'subscribe' && subscription === undefined) {
      subscription = { id: randomUUID(), channelId, topic, callback, secret, leaseSeconds, expiresAt: 0, status: 'verification_pending' };
      webSubSubscriptions.push(subscription);
    }
    const target = subscription;
    void track(new Promise((resolve) => setImmediate(resolve)).then(() => verifyWebSubIntent(mode, callback, topic, leaseSeconds, secret, target)));
    return { status: 202 };
  }

  async function verifyWebSubIntent(
    mode: 'subscribe' | 'unsubscribe',
    callback: string,
    topic: string,
    leaseSeconds: number,
    secret: string,
    subscription: WebSubSubscription | undefined,
  ): Promise<void> {
    const challenge = randomBytes(18).toString('base64url');
    const target = new URL(callback);
    target.searchParams.set('hub.mode', mode);
    target.searchParams.set('hub.topic', topic);
    target.searchParams.set('hub.challenge', challenge);
    if (mode === 'subscribe') target.searchParams.set('hub.lease_seconds', String(leaseSeconds));
    const answer = await deliver('youtube', { url: target.toString(), method: 'GET', headers: {}, body: '' });
    const confirmed = answer.status >= 200 && answer.status <= 299 && answer.body === challenge;
    if (subscription === undefined) return;
    if (mode === 'unsubscribe') {
      if (confirmed) webSubSubscriptions.splice(webSubSubscriptions.indexOf(subscription), 1);
      return;
    }
    if (confirmed) {
      Object.assign(subscription, { secret, leaseSeconds, expiresAt: Date.now() + leaseSeconds * 1000, status: 'verified' });
    } else if (subscription.status !== 'verified') {
      // A failed renewal leaves a verified subscription as it was.
      subscription.status = 'verification_failed';
    }
  }

  async function webSubPublish(video: YouTubeVideo): Promise<FakeDelivery[]> {
    const channel = accounts.youtube.get(video.channelId);
    const topic = `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${video.channelId}`;
    const targets = webSubSubscriptions.filter((subscription) => subscription.topic === topic && subscription.status === 'verified' && subscription.expiresAt > Date.now());
    const updated = new Date().toISOString();
    const body = [
      `<?xml version='1.0' encoding='UTF-8'?>`,
      `<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">`,
      `<link rel="hub" href="${xmlEscape(`${baseUrl}/youtube/hub`)}"/>`,
      `<link rel="self" href="${xmlEscape(topic)}"/>`,
      `<title>YouTube video feed</title>`,
      `<updated>${updated}</updated>`,
      `<entry>`,
      `<id>yt:video:${video.id}</id>`,
      `<yt:videoId>${video.id}</yt:videoId>`,
      `<yt:channelId>${video.channelId}</yt:channelId>`,
      `<title>${xmlEscape(video.title)}</title>`,
      `<link rel="alternate" href="https://www.youtube.com/watch?v=${video.id}"/>`,
      `<author><name>${xmlEscape(channel?.displayName ?? '')}</name><uri>https://www.youtube.com/channel/${video.channelId}</uri></author>`,
      `<published>${video.publishedAt}</published>`,
      `<updated>${updated}</updated>`,
      `</entry>`,
      `</feed>`,
    ].join('\n');
    return Promise.all(
      targets.map(async (subscription) => {
        const headers: Record<string, string> = {
          'Content-Type': 'application/atom+xml',
          Link: `<${baseUrl}/youtube/hub>; rel=hub, <${topic}>; rel=self`,
        };
        if (subscription.secret !== '') headers['X-Hub-Signature'] = `sha1=${createHmac('sha1', subscription.secret).update(body).digest('hex')}`;
        const answer = await track(deliver('youtube', { url: subscription.callback, method: 'POST', headers, body }));
        return { url: subscription.callback, status: answer.status };
      }),
    );
  }

  // ---- routing -------------------------------------------------------------------------------

  function route(request: http.IncomingMessage, url: URL, body: string): Reply {
    const path = url.pathname;
    if (path === '/twitch/oauth2/token') return twitchToken(request, url, body);
    if (path === '/kick/oauth/token') return kickToken(request, body);
    const platform: FakePlatform | undefined = path.startsWith('/twitch/') ? 'twitch' : path.startsWith('/kick/') ? 'kick' : path.startsWith('/youtube/') ? 'youtube' : undefined;
    if (platform === undefined) return plain(404, 'not found');
    const forced = failures[platform].shift();
    if (forced !== undefined) {
      const message = 'failure forced by the test';
      if (platform === 'twitch') return twitchError(forced.status, message);
      if (platform === 'kick') return kickError(forced.status, message);
      return googleError(forced.status, forced.reason, message, 'UNAVAILABLE');
    }
    if (path.startsWith('/twitch/helix/')) return twitchApi(request, url, path.slice('/twitch/helix'.length), body);
    if (path.startsWith('/kick/public/v1/')) return kickApi(request, url, path.slice('/kick/public/v1'.length), body);
    if (path.startsWith('/youtube/api/')) return youtubeApi(request, url, path.slice('/youtube/api'.length));
    if (path === '/youtube/hub') return webSubHub(request, body);
    return plain(404, 'not found');
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', baseUrl);
      const key = `${request.method ?? 'GET'} ${url.pathname}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const reply = size > MAX_BODY_BYTES ? plain(413, 'body too large') : route(request, url, Buffer.concat(chunks).toString('utf8'));
      response.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // ---- the test's handle ---------------------------------------------------------------------

  function account(platform: FakePlatform, id: string): Account {
    const found = accounts[platform].get(id);
    if (found === undefined) throw new Error(`stream platforms fake: no ${platform} streamer with id ${id}`);
    return found;
  }

  function addStreamer(platform: FakePlatform, streamer: { login: string; displayName?: string }): { id: string; login: string } {
    const name = streamer.login.replace(/^@/, '').toLowerCase();
    if (!LOGIN_RULES[platform].test(name)) throw new Error(`stream platforms fake: "${streamer.login}" is not a valid ${platform} login`);
    const login = platform === 'youtube' ? `@${name}` : name;
    if ([...accounts[platform].values()].some((existing) => existing.login === login)) throw new Error(`stream platforms fake: ${platform} login ${login} is taken`);
    sequence += 1;
    const id =
      platform === 'twitch' ? String(141_000_000 + sequence) : platform === 'kick' ? String(4_000_000 + sequence) : `UC${randomBytes(17).toString('base64url').slice(0, 22)}`;
    accounts[platform].set(id, { id, login, displayName: streamer.displayName ?? streamer.login.replace(/^@/, '') });
    return { id, login };
  }

  async function goLive(platform: FakePlatform, streamerId: string, stream: { title?: string; category?: string } = {}): Promise<{ streamId: string; deliveries: FakeDelivery[] }> {
    const user = account(platform, streamerId);
    const title = stream.title ?? `${user.displayName} is live`;
    const category = stream.category ?? 'Just Chatting';
    const startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (platform === 'twitch') {
      if (twitchStreams.has(streamerId)) throw new Error(`stream platforms fake: ${user.login} is already live on twitch`);
      sequence += 1;
      const live: TwitchStream = { id: String(40_000_000_000 + sequence), userId: streamerId, title, category, startedAt };
      twitchStreams.set(streamerId, live);
      const deliveries = await twitchNotify('stream.online', streamerId, {
        id: live.id,
        broadcaster_user_id: user.id,
        broadcaster_user_login: user.login,
        broadcaster_user_name: user.displayName,
        type: 'live',
        started_at: startedAt,
      });
      return { streamId: live.id, deliveries };
    }
    if (platform === 'kick') {
      if (kickStreams.has(streamerId)) throw new Error(`stream platforms fake: ${user.login} is already live on kick`);
      kickStreams.set(streamerId, { title, category, startedAt });
      const deliveries = await kickNotify(user, { is_live: true, title, started_at: startedAt, ended_at: null });
      // Kick's livestreams carry no id; clients identify the stream by its start time.
      return { streamId: String(Date.parse(startedAt)), deliveries };
    }
    const current = [...videos.values()].find((video) => video.channelId === streamerId && video.broadcast !== undefined && video.broadcast.actualEndTime === undefined);
    if (current !== undefined) throw new Error(`stream platforms fake: ${user.login} is already live on youtube`);
    const video: YouTubeVideo = { id: videoId(), channelId: streamerId, title, publishedAt: startedAt, broadcast: { actualStartTime: startedAt } };
    videos.set(video.id, video);
    return { streamId: video.id, deliveries: await webSubPublish(video) };
  }

  async function goOffline(platform: FakePlatform, streamerId: string): Promise<{ deliveries: FakeDelivery[] }> {
    const user = account(platform, streamerId);
    const endedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (platform === 'twitch') {
      if (!twitchStreams.delete(streamerId)) throw new Error(`stream platforms fake: ${user.login} is not live on twitch`);
      const deliveries = await twitchNotify('stream.offline', streamerId, {
        broadcaster_user_id: user.id,
        broadcaster_user_login: user.login,
        broadcaster_user_name: user.displayName,
      });
      return { deliveries };
    }
    if (platform === 'kick') {
      const live = kickStreams.get(streamerId);
      if (live === undefined) throw new Error(`stream platforms fake: ${user.login} is not live on kick`);
      kickStreams.delete(streamerId);
      return { deliveries: await kickNotify(user, { is_live: false, title: live.title, started_at: live.startedAt, ended_at: endedAt }) };
    }
    const current = [...videos.values()].find((video) => video.channelId === streamerId && video.broadcast !== undefined && video.broadcast.actualEndTime === undefined);
    if (current?.broadcast === undefined) throw new Error(`stream platforms fake: ${user.login} is not live on youtube`);
    current.broadcast.actualEndTime = endedAt;
    return { deliveries: [] };
  }

  async function publishUpload(channelId: string, title?: string): Promise<{ videoId: string; deliveries: FakeDelivery[] }> {
    const channel = account('youtube', channelId);
    const video: YouTubeVideo = { id: videoId(), channelId, title: title ?? `${channel.displayName} uploaded a video`, publishedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
    videos.set(video.id, video);
    return { videoId: video.id, deliveries: await webSubPublish(video) };
  }

  async function revokeTwitch(streamerId: string, status = 'authorization_revoked'): Promise<{ status: number }[]> {
    account('twitch', streamerId);
    const revoked = twitchSubscriptions.filter((subscription) => subscription.broadcasterId === streamerId && subscription.status === 'enabled');
    // Twitch drops a revoked subscription after telling the callback.
    for (const subscription of revoked) {
      subscription.status = status;
      twitchSubscriptions.splice(twitchSubscriptions.indexOf(subscription), 1);
    }
    return Promise.all(
      revoked.map(async (subscription) => {
        const answer = await track(deliver('twitch', twitchMessage(subscription, 'revocation', { subscription: twitchSubscriptionView(subscription) })));
        return { status: answer.status };
      }),
    );
  }

  function subscriptions(platform: FakePlatform): FakeSubscription[] {
    if (platform === 'twitch') {
      return twitchSubscriptions.map((s) => ({ id: s.id, streamerId: s.broadcasterId, type: s.type, callbackUrl: s.callback, status: s.status }));
    }
    if (platform === 'kick') {
      return kickSubscriptions.map((s) => ({ id: s.id, streamerId: s.broadcasterId, type: s.name, callbackUrl: kickWebhookUrl ?? '', status: 'enabled' }));
    }
    return webSubSubscriptions.map((s) => ({ id: s.id, streamerId: s.channelId, callbackUrl: s.callback, status: s.status, leaseSeconds: s.leaseSeconds }));
  }

  return {
    url: baseUrl,
    twitch: { ...credentials.twitch, oauthBaseUrl: `${baseUrl}/twitch/oauth2`, apiUrl: `${baseUrl}/twitch/helix` },
    kick: {
      ...credentials.kick,
      oauthBaseUrl: `${baseUrl}/kick/oauth`,
      apiUrl: `${baseUrl}/kick/public/v1`,
      publicKeyPem,
      setWebhookUrl(url: string) {
        if (!isHttpUrl(url)) throw new Error(`stream platforms fake: "${url}" is not an http(s) URL`);
        kickWebhookUrl = url;
      },
    },
    youtube: { apiKey: credentials.youtubeKey, apiUrl: `${baseUrl}/youtube/api`, hubUrl: `${baseUrl}/youtube/hub` },
    addStreamer,
    goLive,
    goOffline,
    publishUpload,
    lastWebhook: (platform) => {
      const last = lastWebhooks.get(platform);
      return last === undefined ? undefined : { ...last, headers: { ...last.headers } };
    },
    send,
    revokeTwitch,
    subscriptions,
    requestCounts: () => Object.fromEntries(counts),
    invalidateTokens(platform) {
      for (const [value, token] of tokens) if (token.platform === platform) tokens.delete(value);
    },
    failNext(platform, status, options = {}) {
      for (let index = 0; index < (options.times ?? 1); index += 1) failures[platform].push({ status, reason: options.reason ?? 'backendError' });
    },
    idle,
    async close() {
      await idle();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export type ReceivedCallback = { method: string; url: URL; headers: Record<string, string>; body: string };
export type CallbackAnswer = { status: number; body?: string; contentType?: string };

export type CallbackReceiver = {
  /** Where to point a subscription's callback (add a path or query as needed). */
  url: string;
  received: ReceivedCallback[];
  close(): Promise<void>;
};

/** A local server standing in for the hub's callback endpoint: records each request and answers with `respond`. */
export async function startCallbackReceiver(respond: (request: ReceivedCallback) => CallbackAnswer | Promise<CallbackAnswer>): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  let base = '';
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const callback: ReceivedCallback = { method: request.method ?? 'GET', url: new URL(request.url ?? '/', base), headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(callback);
      void Promise.resolve(respond(callback))
        .catch((): CallbackAnswer => ({ status: 500, body: 'receiver failed' }))
        .then((answer) => response.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' }).end(answer.body ?? ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** RFC 3339 with nanoseconds, as Twitch stamps its messages. */
function nanosecondTimestamp(): string {
  return `${new Date().toISOString().slice(0, -1)}${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}Z`;
}

/** A ULID-shaped id (Kick's message and subscription ids): 26 Crockford base32 characters. */
function ulid(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = Date.now();
  let head = '';
  for (let index = 0; index < 10; index += 1) {
    head = (alphabet[time % 32] ?? '0') + head;
    time = Math.floor(time / 32);
  }
  const tail = [...randomBytes(16)].map((byte) => alphabet[byte % 32] ?? '0').join('');
  return head + tail;
}

function videoId(): string {
  return randomBytes(9).toString('base64url').slice(0, 11);
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
