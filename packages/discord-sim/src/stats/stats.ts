/** Counters for `GET /_sim/stats`: REST requests by route and status, rate limiting, and gateway traffic. */
import { INVALID_REQUESTS_MAX, INVALID_REQUESTS_WINDOW_MS } from 'discord-limits';

export class Stats {
  private requests = new Map<string, Map<number, number>>();
  private invalidAt: number[] = [];
  rateLimited = 0;
  globalRateLimited = 0;
  gatewaySends = 0;
  gatewayDispatches = 0;
  identifies = 0;
  resumes = 0;
  invalidSessions = 0;
  interactions = 0;
  interactionDeadlinesMissed = 0;

  /** Counts a REST answer; 401, 403 and 429 (except shared-scope 429) are invalid requests, as Discord counts them. */
  recordRequest(route: string, status: number, scope?: string): void {
    let byStatus = this.requests.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.requests.set(route, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    if (status === 429) {
      this.rateLimited++;
      if (scope === 'global') this.globalRateLimited++;
    }
    if (status === 401 || status === 403 || (status === 429 && scope !== 'shared')) this.invalidAt.push(Date.now());
  }

  invalidRequestsInWindow(now = Date.now()): number {
    const cutoff = now - INVALID_REQUESTS_WINDOW_MS;
    let drop = 0;
    while (drop < this.invalidAt.length && (this.invalidAt[drop] ?? 0) < cutoff) drop++;
    if (drop > 0) this.invalidAt.splice(0, drop);
    return this.invalidAt.length;
  }

  snapshot(connectedSessions: number, resumableSessions: number): Record<string, unknown> {
    const requests: Record<string, Record<string, number>> = {};
    let total = 0;
    for (const [route, byStatus] of this.requests) {
      const entry: Record<string, number> = {};
      for (const [status, count] of byStatus) {
        entry[String(status)] = count;
        total += count;
      }
      requests[route] = entry;
    }
    const invalid = this.invalidRequestsInWindow();
    return {
      rest: {
        total,
        requests,
        rateLimited: this.rateLimited,
        globalRateLimited: this.globalRateLimited,
        invalidRequests: { lastWindow: invalid, windowMs: INVALID_REQUESTS_WINDOW_MS, max: INVALID_REQUESTS_MAX, exceeded: invalid >= INVALID_REQUESTS_MAX },
      },
      gateway: {
        sends: this.gatewaySends,
        dispatches: this.gatewayDispatches,
        identifies: this.identifies,
        resumes: this.resumes,
        invalidSessions: this.invalidSessions,
        connectedSessions,
        resumableSessions,
      },
      interactions: { created: this.interactions, deadlinesMissed: this.interactionDeadlinesMissed },
    };
  }

  reset(): void {
    this.requests = new Map();
    this.invalidAt = [];
    this.rateLimited = 0;
    this.globalRateLimited = 0;
    this.gatewaySends = 0;
    this.gatewayDispatches = 0;
    this.identifies = 0;
    this.resumes = 0;
    this.invalidSessions = 0;
    this.interactions = 0;
    this.interactionDeadlinesMissed = 0;
  }
}
