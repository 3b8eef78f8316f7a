/**
 * Keeps the hub away from Discord's invalid-request ban. Discord bans an IP for a while once it has made
 * 10,000 invalid requests (401, 403, and 429 other than shared-scope ones) in 10 minutes; the ban takes
 * every bot and every instance behind that IP offline. So this watches every REST response, counts the
 * invalid ones over a sliding 10-minute window, and trips a breaker well before the ban: while it is
 * open only essential calls (interaction responses — users are waiting) go out. It also remembers
 * interaction and webhook tokens Discord has called unknown, so that nothing retries them.
 *
 * It listens to `RESTEvents.Response`, which fires for every attempt including retried 429s. It does not
 * use `RateLimited` (that also fires when @discordjs/rest merely waits for a bucket it knows is empty, so
 * it is not a count of 429s) nor `InvalidRequestWarning` (that counter is shared by every REST instance in
 * the process and counts shared-scope 429s, which Discord does not).
 *
 * With several instances behind one address the ban counts them all, so `sharedInvalidRequests` (the
 * count in Redis, see shared-invalid-requests.ts) makes the breaker go by every instance's invalid
 * requests, not only its own; while that count is unknown (Redis failed) it goes by its own.
 */
import { RESTEvents, type APIRequest, type REST, type ResponseLike } from '@discordjs/rest';
import { INTERACTION_TOKEN_LIFETIME_MS, INVALID_REQUESTS_MAX, INVALID_REQUESTS_WINDOW_MS } from 'discord-limits';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { SlidingWindowCount } from '../util/sliding-window-count.ts';

/** Essential calls still go out while the breaker is open; the caller decides which calls are essential. */
export type RestPriority = 'essential' | 'normal';

/** The invalid-request count of every instance together; `total()` is `undefined` while it is not known. */
export type SharedInvalidRequests = {
  add(): void;
  total(): number | undefined;
  /** Calls `listener` whenever the total may have changed; returns the way to stop. */
  onChange(listener: () => void): () => void;
};

export type BreakerChange = { invalidRequests: number; threshold: number; closeBelow: number; windowMs: number };

export type RestGuardrailsOptions = {
  metrics?: HubMetrics;
  /** Invalid requests in the window that trip the breaker (default half of Discord's ban threshold: 5,000). */
  threshold?: number;
  /** The breaker closes again once the window holds fewer than this (default half the threshold). */
  closeBelow?: number;
  /** Tokens remembered as dead at most; the oldest are forgotten first (default 10,000). */
  deadTokensMax?: number;
  now?: () => number;
  /** The count of every instance sharing the token; without it the breaker counts this process's requests only. */
  sharedInvalidRequests?: SharedInvalidRequests;
  /** Called once each time the breaker trips. It runs inside the REST client's response handling, so it must be quick. */
  onTrip?: (change: BreakerChange) => void;
  /** Called once each time the breaker closes again. */
  onClose?: (change: BreakerChange) => void;
};

export const DEFAULT_INVALID_REQUEST_THRESHOLD = Math.floor(INVALID_REQUESTS_MAX / 2);
const DEFAULT_DEAD_TOKENS_MAX = 10_000;
/** The sliding window moves in steps of one second: exact enough, and its memory does not grow with traffic. */
const WINDOW_STEP_MS = 1_000;
const API_PREFIX_PATTERN = /^\/api\/v\d+(?=\/)/;
const SNOWFLAKE_PATTERN = /^\d+$/;
/**
 * Literal path segments in Discord's routes: lower-case words with dashes or underscores, and `@me` and
 * `@original`, which discord-api-types' `Routes` write percent-encoded.
 */
const LITERAL_SEGMENT_PATTERN = /^(?:@|%40)?[a-z][a-z_-]*$/;

/**
 * The route with every variable part replaced, so that metric labels stay few: ids become `:id`,
 * interaction and webhook tokens `:token`, reaction emoji `:emoji`, invite and template codes `:code`,
 * anything else unrecognised `:param`.
 */
export function restRouteTemplate(path: string): string {
  const segments = stripPath(path).split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const before = out[i - 1];
    if (i === 0) out.push(segment);
    else if (i === 3 && (out[1] === 'interactions' || out[1] === 'webhooks')) out.push(':token');
    else if (before === 'reactions') out.push(':emoji');
    else if (before === 'invites' || before === 'templates') out.push(':code');
    else if (SNOWFLAKE_PATTERN.test(segment)) out.push(':id');
    else if (LITERAL_SEGMENT_PATTERN.test(segment)) out.push(segment.replace('%40', '@'));
    else out.push(':param');
  }
  return out.join('/');
}

/** The token in `/interactions/{id}/{token}/…` and `/webhooks/{id}/{token}/…`, if the path has one. */
export function interactionTokenOf(path: string): string | undefined {
  const [, resource, , token] = stripPath(path).split('/');
  if ((resource === 'interactions' || resource === 'webhooks') && token) return token;
  return undefined;
}

/** The path without its query and without an `/api/v10` prefix, as the route functions above read it. */
export function stripPath(path: string): string {
  const query = path.indexOf('?');
  return (query === -1 ? path : path.slice(0, query)).replace(API_PREFIX_PATTERN, '');
}

/**
 * A 404 that proves the token itself is unknown: the interaction callback, or executing the webhook
 * (a follow-up). A 404 on `…/messages/{id}` may only mean the message is gone, and the response body that
 * would tell the two apart cannot be read here (the REST client still needs it), so those are left alone.
 */
function provesTokenDead(method: string, template: string): boolean {
  if (template === '/interactions/:id/:token/callback') return true;
  return method === 'POST' && template === '/webhooks/:id/:token';
}

export class RestGuardrails {
  readonly threshold: number;
  readonly closeBelow: number;

  private readonly rest: REST;
  private readonly metrics: HubMetrics | undefined;
  private readonly now: () => number;
  private readonly onTrip: ((change: BreakerChange) => void) | undefined;
  private readonly onClose: ((change: BreakerChange) => void) | undefined;
  private readonly deadTokensMax: number;
  private readonly invalid = new SlidingWindowCount(INVALID_REQUESTS_WINDOW_MS, WINDOW_STEP_MS);
  /** Token → when it expires anyway. Insertion order is expiry order, so the oldest entries come first. */
  private readonly deadTokens = new Map<string, number>();
  private readonly stopScrapeRefresh: (() => void) | undefined;
  private readonly shared: SharedInvalidRequests | undefined;
  private readonly stopSharedRefresh: (() => void) | undefined;
  private open = false;

  private readonly listener = (request: APIRequest, response: ResponseLike): void => {
    this.recordResponse(request.method, request.path, response.status, response.headers.get('x-ratelimit-scope'), response.headers.has('x-ratelimit-global'));
  };

  constructor(rest: REST, options: RestGuardrailsOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_INVALID_REQUEST_THRESHOLD;
    this.closeBelow = options.closeBelow ?? Math.floor(this.threshold / 2);
    if (!(this.threshold > 0) || !(this.closeBelow > 0) || this.closeBelow > this.threshold) {
      throw new RangeError(`the breaker needs 0 < closeBelow ≤ threshold; got closeBelow ${this.closeBelow}, threshold ${this.threshold}`);
    }
    this.rest = rest;
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
    this.onTrip = options.onTrip;
    this.onClose = options.onClose;
    this.deadTokensMax = options.deadTokensMax ?? DEFAULT_DEAD_TOKENS_MAX;
    this.shared = options.sharedInvalidRequests;
    rest.on(RESTEvents.Response, this.listener);
    // Other instances' invalid requests can trip (or close) the breaker while this one sends nothing.
    this.stopSharedRefresh = this.shared?.onChange(() => this.refresh());
    this.stopScrapeRefresh = this.metrics?.beforeScrape(() => this.refresh());
    this.metrics?.setInvalidRequestBreakerOpen(false);
    this.metrics?.setDiscordInvalidRequests(0);
  }

  /** Stops watching the REST instance. */
  detach(): void {
    this.rest.off(RESTEvents.Response, this.listener);
    this.stopScrapeRefresh?.();
    this.stopSharedRefresh?.();
  }

  /**
   * Invalid requests Discord has counted against this IP in the last 10 minutes: every instance's when the
   * shared count is known, otherwise as far as this process saw.
   */
  invalidRequestCount(): number {
    const own = this.invalid.total(this.now());
    const everyInstance = this.shared?.total();
    return everyInstance === undefined ? own : Math.max(own, everyInstance);
  }

  isBreakerOpen(): boolean {
    this.refresh();
    return this.open;
  }

  /** Whether a call of this priority may go out now. */
  allows(priority: RestPriority): boolean {
    return priority === 'essential' || !this.isBreakerOpen();
  }

  /** Whether Discord has already called this path's interaction or webhook token unknown. */
  isDeadToken(path: string): boolean {
    const token = interactionTokenOf(path);
    if (token === undefined) return false;
    const expiresAt = this.deadTokens.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.now()) return true;
    this.deadTokens.delete(token);
    return false;
  }

  private recordResponse(rawMethod: string, path: string, status: number, scope: string | null, global: boolean): void {
    const method = rawMethod.toUpperCase();
    const route = restRouteTemplate(path);
    this.metrics?.recordDiscordRestRequest(route, method, status);
    if (status === 429) this.metrics?.recordDiscordRateLimited(route, scope ?? 'user', global);
    // Discord leaves shared-scope 429s out of the count: the limit belongs to the resource, not to us.
    if (status === 401 || status === 403 || (status === 429 && scope !== 'shared')) {
      this.invalid.add(this.now());
      this.shared?.add();
    }
    if (status === 404 && provesTokenDead(method, route)) this.rememberDeadToken(path);
    this.refresh();
  }

  private rememberDeadToken(path: string): void {
    const token = interactionTokenOf(path);
    if (token === undefined) return;
    const now = this.now();
    for (const [oldest, expiresAt] of this.deadTokens) {
      if (expiresAt > now && this.deadTokens.size < this.deadTokensMax) break;
      this.deadTokens.delete(oldest);
    }
    // A token never outlives its 15 minutes, so after that there is nothing left to protect.
    this.deadTokens.delete(token);
    this.deadTokens.set(token, now + INTERACTION_TOKEN_LIFETIME_MS);
  }

  /** Re-reads the window, opens or closes the breaker, and updates the gauges. */
  private refresh(): void {
    const invalidRequests = this.invalidRequestCount();
    const change: BreakerChange = { invalidRequests, threshold: this.threshold, closeBelow: this.closeBelow, windowMs: INVALID_REQUESTS_WINDOW_MS };
    if (!this.open && invalidRequests >= this.threshold) {
      this.open = true;
      this.metrics?.setInvalidRequestBreakerOpen(true);
      this.notify(this.onTrip, change);
    } else if (this.open && invalidRequests < this.closeBelow) {
      this.open = false;
      this.metrics?.setInvalidRequestBreakerOpen(false);
      this.notify(this.onClose, change);
    }
    this.metrics?.setDiscordInvalidRequests(invalidRequests);
  }

  /**
   * A callback that throws must not break the REST request whose response happened to trip the breaker;
   * its failure is counted instead (`switchboard_errors_total{type="rest_guardrails_callback"}`).
   */
  private notify(callback: ((change: BreakerChange) => void) | undefined, change: BreakerChange): void {
    try {
      callback?.(change);
    } catch {
      this.metrics?.recordError('rest_guardrails_callback');
    }
  }
}
