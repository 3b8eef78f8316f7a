/**
 * The hub's Prometheus metrics: one registry per hub (never prom-client's global one, so that tests and
 * several hubs in one process keep their numbers apart), Node's default metrics, and a method per thing
 * worth counting. Labels only ever take values from small, known sets — route templates, event types,
 * shard numbers — never ids, so the number of series stays bounded however busy the hub gets.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { INTERACTION_RESPONSE_DEADLINE_MS } from 'discord-limits';
import type { ConnectionStatus } from '../discord/connection-state.ts';
import type { JobOutcome } from '../storage/schema.ts';
import { SlidingWindowCount } from '../util/sliding-window-count.ts';

export type InteractionKind = 'command' | 'component' | 'modal' | 'autocomplete';

export type HubMetricsOptions = {
  /** Node's process, heap, event-loop and GC metrics (default true). */
  defaultMetrics?: boolean;
  /** The clock read when a scrape computes the daily users and hourly messages; tests move it by hand. */
  now?: () => number;
};

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const MINUTES_PER_HOUR = 60;

/** From 0.1 ms (a cache hit) to 5 s (something is badly wrong). */
const EVENT_PROCESSING_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Dense around Discord's 3 s deadline so that p99 alerts at 2 s and misses at 3 s read accurately. */
const INTERACTION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 5, 10];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Up to the delivery worker's 10 s request timeout. */
const WEBHOOK_DELIVERY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a duration listener hears: a webhook delivery attempt or an initial interaction response, in ms. */
export type TimedActivity = 'webhook_delivery' | 'interaction_response';
export type WebhookDeliveryOutcome = 'delivered' | 'retrying' | 'dead' | 'endpoint_gone';

/** Distinct users per UTC day. Days are counted from the epoch, which began at UTC midnight. */
class DailyUsers {
  private day = -1;
  private users = new Set<string>();

  add(userId: string, now: number): void {
    const day = Math.floor(now / DAY_MS);
    // Activity stamped before the current day arrived late; it belongs to a day already over.
    if (day < this.day) return;
    if (day > this.day) {
      this.day = day;
      this.users = new Set();
    }
    this.users.add(userId);
  }

  count(now: number): number {
    return Math.floor(now / DAY_MS) === this.day ? this.users.size : 0;
  }
}

export class HubMetrics {
  readonly registry: Registry;
  readonly contentType: string;

  private readonly now: () => number;
  private readonly refreshers = new Set<() => void>();
  private readonly dailyUsers = new DailyUsers();
  private readonly hourlyMessages = new SlidingWindowCount(MINUTES_PER_HOUR * MINUTE_MS, MINUTE_MS);
  private readonly shardStates = new Map<string, ConnectionStatus>();
  private readonly durationListeners = new Set<(activity: TimedActivity, ms: number) => void>();
  /** Gateway events since start, as a plain number for the status history (the counter is split by type). */
  private gatewayEventTotal = 0;

  private readonly gatewayEvents: Counter<'type'>;
  private readonly eventProcessing: Histogram;
  private readonly interactionResponse: Histogram<'kind'>;
  private readonly interactionDeadlineMissed: Counter;
  private readonly restRequests: Counter<'route' | 'method' | 'status'>;
  private readonly restRateLimited: Counter<'route' | 'scope' | 'global'>;
  private readonly restInvalidRequests: Gauge;
  private readonly restBreakerOpen: Gauge;
  private readonly restLimitsShared: Gauge;
  private readonly errors: Counter<'type'>;
  private readonly gatewayConnected: Gauge;
  private readonly gatewayLatency: Gauge<'shard'>;
  private readonly gatewayState: Gauge<'shard' | 'state'>;
  private readonly gatewayTransitions: Counter<'to'>;
  private readonly identifyRemaining: Gauge;
  private readonly shardsOwned: Gauge;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobRunSeconds: Histogram<'job'>;
  private readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  private readonly httpRequestSeconds: Histogram<'route' | 'method'>;
  private readonly oauthLinks: Counter<'platform' | 'outcome'>;
  private readonly oauthRefreshes: Counter<'platform' | 'outcome'>;
  private readonly streamWebhooks: Counter<'platform' | 'outcome'>;
  private readonly streamAnnouncements: Counter<'platform' | 'kind'>;
  private readonly webhookDelivery: Histogram<'outcome'>;

  constructor(options: HubMetricsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.registry = new Registry();
    const registers = [this.registry];
    this.contentType = this.registry.contentType;
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.gatewayEvents = new Counter({
      name: 'switchboard_gateway_events_total',
      help: 'Gateway dispatch events received, by event type.',
      labelNames: ['type'],
      registers,
    });
    this.eventProcessing = new Histogram({
      name: 'switchboard_event_processing_seconds',
      help: 'Time spent handling one gateway dispatch event.',
      buckets: EVENT_PROCESSING_BUCKETS,
      registers,
    });
    this.interactionResponse = new Histogram({
      name: 'switchboard_interaction_response_seconds',
      help: 'Time from receiving an interaction to sending its initial response, by interaction kind.',
      labelNames: ['kind'],
      buckets: INTERACTION_BUCKETS,
      registers,
    });
    this.interactionDeadlineMissed = new Counter({
      name: 'switchboard_interaction_deadline_missed_total',
      help: "Interactions not answered within Discord's 3-second deadline.",
      registers,
    });
    this.restRequests = new Counter({
      name: 'switchboard_discord_rest_requests_total',
      help: 'Discord REST responses, by route template, method and HTTP status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.restRateLimited = new Counter({
      name: 'switchboard_discord_rate_limited_total',
      help: 'Discord REST 429 responses, by route template, rate-limit scope and whether the limit was global.',
      labelNames: ['route', 'scope', 'global'],
      registers,
    });
    this.restInvalidRequests = new Gauge({
      name: 'switchboard_discord_invalid_requests',
      help: 'Invalid Discord REST requests (401, 403, non-shared 429) in the last 10 minutes; Discord bans the IP at 10,000.',
      registers,
    });
    this.restLimitsShared = new Gauge({
      name: 'switchboard_discord_rest_limits_shared',
      help: "1 while Discord's REST rate limits are shared with the other instances through Redis, 0 while this instance falls back to its own because Redis failed.",
      registers,
    });
    this.restBreakerOpen = new Gauge({
      name: 'switchboard_discord_invalid_request_breaker_open',
      help: '1 while the invalid-request breaker is open and non-essential Discord calls are refused.',
      registers,
    });
    this.errors = new Counter({
      name: 'switchboard_errors_total',
      help: 'Errors, by type.',
      labelNames: ['type'],
      registers,
    });
    this.gatewayConnected = new Gauge({
      name: 'switchboard_gateway_connected',
      help: '1 while the gateway connection is up and ready.',
      registers,
    });
    this.gatewayLatency = new Gauge({
      name: 'switchboard_gateway_latency_seconds',
      help: 'The last heartbeat round trip, by shard.',
      labelNames: ['shard'],
      registers,
    });
    this.gatewayState = new Gauge({
      name: 'switchboard_gateway_state',
      help: "The gateway connection's state by shard: 1 for the current state, 0 for states it was in before.",
      labelNames: ['shard', 'state'],
      registers,
    });
    this.gatewayTransitions = new Counter({
      name: 'switchboard_gateway_transitions_total',
      help: 'Gateway state changes, by the state entered.',
      labelNames: ['to'],
      registers,
    });
    this.identifyRemaining = new Gauge({
      name: 'switchboard_gateway_identify_remaining',
      help: 'Gateway identifies left in the current 24-hour session start limit.',
      registers,
    });
    this.shardsOwned = new Gauge({
      name: 'switchboard_gateway_shards_owned',
      help: 'Gateway shards this instance runs now (with several instances: the shards whose lease it holds).',
      registers,
    });
    const dailyUsers = this.dailyUsers;
    const hourlyMessages = this.hourlyMessages;
    const now = this.now;
    new Gauge({
      name: 'switchboard_active_users_daily',
      help: 'Distinct users who sent a message or used an interaction today (UTC).',
      registers,
      collect() {
        this.set(dailyUsers.count(now()));
      },
    });
    new Gauge({
      name: 'switchboard_messages_per_hour',
      help: 'Messages received in the last hour.',
      registers,
      collect() {
        this.set(hourlyMessages.total(now()));
      },
    });
    this.jobRuns = new Counter({
      name: 'switchboard_job_runs_total',
      help: 'Finished job runs, by job and outcome.',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.jobRunSeconds = new Histogram({
      name: 'switchboard_job_run_seconds',
      help: 'Job run duration, by job.',
      labelNames: ['job'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.httpRequests = new Counter({
      name: 'switchboard_http_requests_total',
      help: "Requests to the hub's HTTP server, by route template, method and status.",
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.httpRequestSeconds = new Histogram({
      name: 'switchboard_http_request_seconds',
      help: "Time to answer a request to the hub's HTTP server, by route template and method.",
      labelNames: ['route', 'method'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.oauthLinks = new Counter({
      name: 'switchboard_oauth_link_attempts_total',
      help: 'Account-link callbacks, by platform and outcome (linked, refused: replayed, expired, wrong browser…; failed: the provider or the identity lookup failed).',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.oauthRefreshes = new Counter({
      name: 'switchboard_oauth_token_refreshes_total',
      help: 'Linked-account token refreshes and validations, by platform and outcome (refreshed, relink, failed, valid, invalid).',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.streamWebhooks = new Counter({
      name: 'switchboard_stream_webhooks_total',
      help: 'Go-live webhook requests, by platform and outcome (accepted, duplicate, forged, stale, challenge, revoked, ignored).',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.streamAnnouncements = new Counter({
      name: 'switchboard_stream_announcements_total',
      help: 'Go-live posts, by platform and kind (posted when a stream starts, ended when it ends and the post is edited, failed).',
      labelNames: ['platform', 'kind'],
      registers,
    });
    this.webhookDelivery = new Histogram({
      name: 'switchboard_webhook_delivery_seconds',
      help: "Time of one webhook delivery attempt to an app's endpoint, by outcome (delivered, retrying, dead, endpoint_gone).",
      labelNames: ['outcome'],
      buckets: WEBHOOK_DELIVERY_BUCKETS,
      registers,
    });
  }

  /** The Prometheus text exposition of every metric, after the registered refreshers have run. */
  async metricsText(): Promise<string> {
    for (const refresh of this.refreshers) refresh();
    return this.registry.metrics();
  }

  /**
   * Runs `refresh` before each scrape, for gauges whose value drifts with time alone (a sliding window
   * emptying) and would otherwise show what they were at the last event. Returns the way to stop.
   */
  beforeScrape(refresh: () => void): () => void {
    this.refreshers.add(refresh);
    return () => this.refreshers.delete(refresh);
  }

  recordGatewayEvent(type: string): void {
    this.gatewayEvents.inc({ type });
    this.gatewayEventTotal += 1;
  }

  /** Every gateway event recorded so far, of any type. */
  get gatewayEventCount(): number {
    return this.gatewayEventTotal;
  }

  /** Hears every webhook delivery and interaction response duration (the status history's percentiles). Returns the way to stop. */
  onDuration(listener: (activity: TimedActivity, ms: number) => void): () => void {
    this.durationListeners.add(listener);
    return () => this.durationListeners.delete(listener);
  }

  /** One webhook delivery attempt and how long it took, answer included. */
  recordWebhookDelivery(outcome: WebhookDeliveryOutcome, seconds: number): void {
    this.webhookDelivery.observe({ outcome }, seconds);
    for (const listener of this.durationListeners) listener('webhook_delivery', seconds * 1000);
  }

  recordEventProcessing(seconds: number): void {
    this.eventProcessing.observe(seconds);
  }

  /**
   * One initial interaction response and how long it took. A response later than Discord's deadline is
   * counted as missed here; call `recordInteractionDeadlineMissed` only for interactions never answered.
   */
  recordInteractionResponse(kind: InteractionKind, seconds: number): void {
    this.interactionResponse.observe({ kind }, seconds);
    for (const listener of this.durationListeners) listener('interaction_response', seconds * 1000);
    if (seconds * 1000 > INTERACTION_RESPONSE_DEADLINE_MS) this.interactionDeadlineMissed.inc();
  }

  recordInteractionDeadlineMissed(): void {
    this.interactionDeadlineMissed.inc();
  }

  /** `route` must already be a template (ids replaced); see `restRouteTemplate`. */
  recordDiscordRestRequest(route: string, method: string, status: number): void {
    this.restRequests.inc({ route, method, status: String(status) });
  }

  recordDiscordRateLimited(route: string, scope: string, global: boolean): void {
    this.restRateLimited.inc({ route, scope, global: String(global) });
  }

  setDiscordInvalidRequests(count: number): void {
    this.restInvalidRequests.set(count);
  }

  setDiscordRestLimitsShared(shared: boolean): void {
    this.restLimitsShared.set(shared ? 1 : 0);
  }

  setInvalidRequestBreakerOpen(open: boolean): void {
    this.restBreakerOpen.set(open ? 1 : 0);
  }

  /** `type` names a kind of error from a fixed set chosen in code (e.g. `gateway_handler`), never a message. */
  recordError(type: string): void {
    this.errors.inc({ type });
  }

  setGatewayConnected(connected: boolean): void {
    this.gatewayConnected.set(connected ? 1 : 0);
  }

  setShardsOwned(count: number): void {
    this.shardsOwned.set(count);
  }

  setGatewayLatency(shard: number, seconds: number): void {
    this.gatewayLatency.set({ shard: String(shard) }, seconds);
  }

  /** Sets the shard's current state to 1 and the state it left to 0, so `== 1` selects the current one. */
  setGatewayState(shard: number, state: ConnectionStatus): void {
    const label = String(shard);
    const previous = this.shardStates.get(label);
    if (previous !== undefined && previous !== state) this.gatewayState.set({ shard: label, state: previous }, 0);
    if (previous !== state) this.gatewayTransitions.inc({ to: state });
    this.shardStates.set(label, state);
    this.gatewayState.set({ shard: label, state }, 1);
  }

  setIdentifyRemaining(remaining: number): void {
    this.identifyRemaining.set(remaining);
  }

  /** The author of a message or the user of an interaction, for the distinct-users-today gauge. */
  recordUserActivity(userId: string, now: number = this.now()): void {
    this.dailyUsers.add(userId, now);
  }

  recordMessage(now: number = this.now()): void {
    this.hourlyMessages.add(now);
  }

  recordJobRun(job: string, outcome: Exclude<JobOutcome, 'running'>, seconds: number): void {
    this.jobRuns.inc({ job, outcome });
    this.jobRunSeconds.observe({ job }, seconds);
  }

  /** `route` is the route template (`/api/v1/jobs/:name`), never the raw URL. */
  recordHttpRequest(route: string, method: string, status: number, seconds: number): void {
    this.httpRequests.inc({ route, method, status: String(status) });
    this.httpRequestSeconds.observe({ route, method }, seconds);
  }

  /** An account-link callback ended: `linked`, a refusal code (`replayed`, `expired`, `wrong_browser` …) or `failed`. */
  recordOAuthLink(platform: string, outcome: string): void {
    this.oauthLinks.inc({ platform, outcome });
  }

  recordOAuthRefresh(platform: string, outcome: 'refreshed' | 'relink' | 'failed' | 'valid' | 'invalid'): void {
    this.oauthRefreshes.inc({ platform, outcome });
  }

  recordStreamWebhook(platform: string, outcome: 'accepted' | 'duplicate' | 'forged' | 'stale' | 'challenge' | 'revoked' | 'ignored'): void {
    this.streamWebhooks.inc({ platform, outcome });
  }

  recordStreamAnnouncement(platform: string, kind: 'posted' | 'ended' | 'failed'): void {
    this.streamAnnouncements.inc({ platform, kind });
  }
}
