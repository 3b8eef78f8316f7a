/**
 * Asks the guardrails before every Discord REST call, so that no call goes out that Discord would certainly
 * refuse (a token it already called unknown) or that would push the hub closer to an IP ban (anything
 * non-essential while the invalid-request breaker is open). A refused call throws `RestCallRefused`
 * without touching the network; callers tell it apart from Discord's own errors by its class.
 * `GuardedRest` is the one REST client of the hub, so every module and the broker go through the check.
 */
import { REST, type InternalRequest, type RESTOptions, type ResponseLike } from '@discordjs/rest';
import type { RestGuardrails, RestPriority } from './rest-guardrails.ts';

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

export class GuardedRest extends REST {
  /** Attached after construction, because the guardrails listen to this client's responses. */
  guardrails: RestGuardrails | undefined;

  constructor(options: Partial<RESTOptions> = {}) {
    const self: { rest?: GuardedRest } = {};
    super({
      ...options,
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
    return super.queueRequest(request);
  }
}
