/**
 * REST faults set through `POST /_sim/faults`: forced statuses, added latency and forced 429s. Gateway faults act
 * at once on the connections and are carried out by the gateway server.
 */
import { routePattern } from '../rest/router.ts';

export interface HttpFault {
  kind: 'http';
  method?: string;
  route: string;
  status: number;
  times: number;
  body?: unknown;
}

export interface LatencyFault {
  kind: 'latency';
  ms: number;
  route?: string;
}

export interface RateLimitFault {
  kind: 'ratelimit';
  route?: string;
  method?: string;
  times: number;
  retryAfterMs: number;
  global?: boolean;
  scope?: 'user' | 'global' | 'shared';
}

export type RestFault = HttpFault | LatencyFault | RateLimitFault;

interface Armed<T> {
  fault: T;
  matches: (path: string, template: string) => boolean;
  remaining: number;
}

const always = () => true;

export class FaultInjector {
  private http: Armed<HttpFault>[] = [];
  private latency: Armed<LatencyFault>[] = [];
  private rateLimits: Armed<RateLimitFault>[] = [];

  add(fault: RestFault): void {
    const matches = fault.route ? routePattern(fault.route) : always;
    if (fault.kind === 'http') this.http.push({ fault, matches, remaining: fault.times });
    else if (fault.kind === 'latency') this.latency.push({ fault, matches, remaining: Infinity });
    else this.rateLimits.push({ fault, matches, remaining: fault.times });
  }

  clear(): void {
    this.http = [];
    this.latency = [];
    this.rateLimits = [];
  }

  latencyFor(path: string, template: string): number {
    return this.latency.filter((a) => a.matches(path, template)).reduce((sum, a) => sum + a.fault.ms, 0);
  }

  private consume<T extends { method?: string }>(list: Armed<T>[], method: string, path: string, template: string): T | undefined {
    const armed = list.find((a) => a.remaining > 0 && (!a.fault.method || a.fault.method.toUpperCase() === method) && a.matches(path, template));
    if (!armed) return undefined;
    armed.remaining--;
    return armed.fault;
  }

  takeHttp(method: string, path: string, template: string): HttpFault | undefined {
    return this.consume(this.http, method, path, template);
  }

  takeRateLimit(method: string, path: string, template: string): RateLimitFault | undefined {
    return this.consume(this.rateLimits, method, path, template);
  }

  describe(): Record<string, unknown> {
    return {
      http: this.http.filter((a) => a.remaining > 0).map((a) => ({ ...a.fault, remaining: a.remaining })),
      latency: this.latency.map((a) => a.fault),
      ratelimit: this.rateLimits.filter((a) => a.remaining > 0).map((a) => ({ ...a.fault, remaining: a.remaining })),
    };
  }
}
