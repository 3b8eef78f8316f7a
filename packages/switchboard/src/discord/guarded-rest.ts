/**
 * Asks the guardrails before every Discord REST call, so that no call goes out that Discord would certainly
 * refuse (a token it already called unknown) or that would push the hub closer to an IP ban (anything
 * non-essential while the invalid-request breaker is open). A refused call throws `RestCallRefused`
 * without touching the network; callers tell it apart from Discord's own errors by its class.
 * `GuardedRest` is the one REST client of the hub, so every module and the broker go through the check.
 *
 * When several instances share the bot token, `sharedLimits` is attached too: each call is then taken from
 * the bucket every instance shares before it joins this client's queue, each attempt waits for the
 * token's shared global budget just before it goes on the wire, and each answer's rate-limit headers are
 * shared (see shared-rest-limits.ts and docs/rest-limits.md).
 */
import { DefaultRestOptions, REST, type InternalRequest, type RESTOptions, type ResponseLike } from '@discordjs/rest';
import type { RestGuardrails, RestPriority } from './rest-guardrails.ts';
import type { SharedRestLimits } from './shared-rest-limits.ts';

export type RestRefusalReason = 'breaker-open' | 'dead-token';

export class RestCallRefused extends Error {
  override readonly name = 'RestCallRefused';
  readonly reason: RestRefusalReason;
  readonly path: string;

  constructor(reason: RestRefusalReason, path: string, message: string) {
    super(message);
    this.reason = reason;
    this.path = path;
  }
}

/** Why the call must not go out, or null when it may. Dead tokens are refused whatever the priority. */
export function refusalFor(guardrails: RestGuardrails, priority: RestPriority, path: string): RestCallRefused | null {
  if (guardrails.isDeadToken(path)) {
    return new RestCallRefused(
      'dead-token',
      path,
      'Not sent: Discord already answered that this interaction or webhook token is unknown or expired, so every further call with it would fail.',
    );
  }
  if (!guardrails.allows(priority)) {
    return new RestCallRefused(
      'breaker-open',
      path,
      `Not sent: too many of Switchboard's recent Discord requests were refused (${guardrails.invalidRequestCount()} in the last 10 minutes, limit ${guardrails.threshold}), so only essential calls go out until that count falls, to keep Discord from banning the server's address.`,
    );
  }
  return null;
}

/** Interaction responses and follow-ups are essential: a person is waiting, and they do not count against the global limit. */
export function priorityOf(path: string): RestPriority {
  return path.startsWith('/interactions/') || path.startsWith('/webhooks/') ? 'essential' : 'normal';
}

/** Whether the request carries the bot's token (`Authorization`), whatever the shape its headers come in. */
function isAuthorized(headers: unknown): boolean {
  if (!headers) return false;
  if (headers instanceof Headers) return headers.has('authorization');
  if (Array.isArray(headers)) return headers.some((pair) => Array.isArray(pair) && String(pair[0]).toLowerCase() === 'authorization');
  return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
}

export class GuardedRest extends REST {
  /** Attached after construction, because the guardrails listen to this client's responses. */
  guardrails: RestGuardrails | undefined;
  /** Attached when several instances share the token (Redis configured); without it the limits are this client's alone. */
  sharedLimits: SharedRestLimits | undefined;

  constructor(options: Partial<RESTOptions> = {}) {
    const self: { rest?: GuardedRest } = {};
    const send = options.makeRequest ?? DefaultRestOptions.makeRequest;
    super({
      ...options,
      // The last step before the wire, taken once per attempt (retries included): where the global budget is spent.
      makeRequest: async (url, init) => {
        const rest = self.rest;
        const shared = rest?.sharedLimits;
        if (!rest || !shared) return send(url, init);
        const path = rest.pathOf(url);
        await shared.waitForGlobal(path, isAuthorized(init.headers), (init.signal ?? undefined) as AbortSignal | undefined);
        const response = await send(url, init);
        shared.recordAnswer(init.method ?? 'GET', path, response.status, response.headers);
        return response;
      },
      // A 429 is retried inside the REST client, past queueRequest: without this, a call already under way
      // would keep retrying into the ban after the breaker opened. Now a non-essential one stops there.
      rejectOnRateLimit: (data) => {
        const guardrails = self.rest?.guardrails;
        const refusal = guardrails ? refusalFor(guardrails, priorityOf(data.route), data.route) : null;
        if (refusal?.reason === 'breaker-open') throw refusal;
        return false;
      },
    });
    self.rest = this;
  }

  override async queueRequest(request: InternalRequest): Promise<ResponseLike> {
    if (this.guardrails) {
      const refusal = refusalFor(this.guardrails, priorityOf(request.fullRoute), request.fullRoute);
      if (refusal) throw refusal;
    }
    if (!this.sharedLimits) return super.queueRequest(request);
    // Waiting here, before the client's own queue, keeps the wait out of the request's timeout, as the client's own waits are.
    const reservation = await this.sharedLimits.reserveRoute(request.method, request.fullRoute, request.signal ?? undefined);
    try {
      return await super.queueRequest(request);
    } finally {
      reservation.release();
    }
  }

  /** The API path of a URL this client built (`/channels/1/messages?…`), as the rate-limit keys read it. */
  private pathOf(url: string): string {
    const base = `${this.options.api}/v${this.options.version}`;
    return url.startsWith(base) ? url.slice(base.length) : new URL(url).pathname;
  }
}
