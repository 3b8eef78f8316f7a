/**
 * The REST API under `/api/v10`: authentication, faults, rate limits, then the route handler; every answer is
 * counted in the stats.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, unauthorized } from './errors.ts';
import { rateLimitBody } from './rate-limiter.ts';
import { parseRequestBody } from './request-body.ts';
import { bucketFor, GLOBAL_EXEMPT_ROUTES, majorParameter } from './route-limits.ts';
import { Reply } from './route-types.ts';
import type { RestRoute, RouteContext } from './route-types.ts';
import { Router } from './router.ts';
import { registerApplicationRoutes } from './routes/application.ts';
import { registerChannelRoutes } from './routes/channels.ts';
import { registerCommandRoutes } from './routes/commands.ts';
import { registerGuildRoutes } from './routes/guilds.ts';
import { registerInteractionRoutes } from './routes/interactions.ts';
import { registerMemberRoutes } from './routes/members.ts';
import { registerMessageRoutes } from './routes/messages.ts';
import { registerScheduledEventRoutes } from './routes/scheduled-events.ts';
import { registerThreadRoutes } from './routes/threads.ts';
import { registerUserRoutes } from './routes/users.ts';
import type { SimContext } from '../sim-context.ts';
import type { TokenOwner } from '../state/oauth-grants.ts';
import { userBearerOwner } from '../oauth/user-tokens.ts';
import { readBody, sendJson, sleep } from '../util/http.ts';

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  scope?: string;
}

export class RestServer {
  private readonly router = new Router<RestRoute>();
  private readonly sim: SimContext;

  constructor(sim: SimContext) {
    this.sim = sim;
    for (const register of [
      registerApplicationRoutes,
      registerUserRoutes,
      registerGuildRoutes,
      registerMemberRoutes,
      registerChannelRoutes,
      registerThreadRoutes,
      registerMessageRoutes,
      registerScheduledEventRoutes,
      registerCommandRoutes,
      registerInteractionRoutes,
    ]) {
      register(this.router);
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const match = this.router.match(method, path);
    const routeKey = match ? `${method} ${match.template}` : `${method} (unknown)`;
    let answer: Answer;
    try {
      const raw = await readBody(req);
      answer = match ? await this.run(req, match.route, match.template, match.params, method, path, query, raw) : this.unknownRoute(path);
    } catch (error) {
      answer = toAnswer(error, {});
    }
    this.sim.stats.recordRequest(routeKey, answer.status, answer.scope);
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  private unknownRoute(path: string): Answer {
    if (this.router.hasPath(path)) return { status: 405, body: { message: '405: Method Not Allowed', code: 0 }, headers: {} };
    return { status: 404, body: { message: '404: Not Found', code: 0 }, headers: {} };
  }

  private async run(
    req: IncomingMessage,
    route: RestRoute,
    template: string,
    params: Record<string, string>,
    method: string,
    path: string,
    query: URLSearchParams,
    raw: Buffer,
  ): Promise<Answer> {
    const { faults, rateLimiter, state } = this.sim;
    const routeKey = `${method} ${template}`;
    const latency = faults.latencyFor(path, template);
    if (latency > 0) await sleep(latency);

    const isBot = req.headers.authorization === `Bot ${state.application.token}`;
    if (route.auth === 'bot' && !isBot) return toAnswer(unauthorized(), {});
    let user: TokenOwner | undefined;
    if (route.auth === 'bot-or-user' && !isBot) {
      user = userBearerOwner(this.sim, req.headers.authorization);
      if (!user) return toAnswer(unauthorized(), {});
    }

    const forced = faults.takeRateLimit(method, path, template);
    if (forced) {
      const scope = forced.scope ?? (forced.global ? 'global' : 'user');
      const headers: Record<string, string> = { 'Retry-After': (forced.retryAfterMs / 1000).toFixed(3), 'X-RateLimit-Scope': scope };
      if (forced.global) headers['X-RateLimit-Global'] = 'true';
      return { status: 429, body: rateLimitBody(forced.retryAfterMs, forced.global ?? false), headers, scope };
    }

    // The global limit is the bot's; a user's token does not spend it.
    if (route.auth !== 'none' && !user && !GLOBAL_EXEMPT_ROUTES.has(routeKey)) {
      const global = rateLimiter.checkGlobal(state.application.token);
      if (global?.limited) return { status: 429, body: rateLimitBody(global.limited.retryAfterMs, true), headers: global.headers, scope: 'global' };
    }
    const verdict = rateLimiter.checkRoute(bucketFor(routeKey), majorParameter(params));
    if (verdict.limited) return { status: 429, body: rateLimitBody(verdict.limited.retryAfterMs, false), headers: verdict.headers, scope: verdict.limited.scope };

    const fault = faults.takeHttp(method, path, template);
    if (fault) return { status: fault.status, body: fault.body ?? { message: `${fault.status}: Simulated failure`, code: 0 }, headers: verdict.headers };

    try {
      const ctx: RouteContext = {
        method,
        path,
        params,
        query,
        body: parseRequestBody(req.headers['content-type'], raw),
        reason: auditLogReason(req),
        sim: this.sim,
        ...(user ? { user } : {}),
      };
      const result = await route.handler(ctx);
      if (result instanceof Reply) return { status: result.status, body: result.body, headers: verdict.headers };
      return { status: 200, body: result, headers: verdict.headers };
    } catch (error) {
      return toAnswer(error, verdict.headers);
    }
  }
}

function auditLogReason(req: IncomingMessage): string | null {
  const header = req.headers['x-audit-log-reason'];
  if (typeof header !== 'string') return null;
  try {
    return decodeURIComponent(header);
  } catch {
    return header;
  }
}

function toAnswer(error: unknown, headers: Record<string, string>): Answer {
  if (error instanceof ApiError) return { status: error.status, body: error.body(), headers };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { message: `500: Internal Server Error (${message})`, code: 0 }, headers };
}
