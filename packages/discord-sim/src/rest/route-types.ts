/** What a REST route handler receives and may return. */
import type { JsonObject } from './request-body.ts';
import type { Router } from './router.ts';
import type { TokenOwner } from '../state/oauth-grants.ts';
import type { SimContext } from '../sim-context.ts';

export interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: JsonObject;
  /** The decoded `X-Audit-Log-Reason` header. */
  reason: string | null;
  sim: SimContext;
  /** Set when a `bot-or-user` route was called with a user's OAuth2 access token instead of the bot token. */
  user?: TokenOwner;
}

/** A handler's answer when it is not 200 with a JSON body (which a handler expresses by returning the body). */
export class Reply {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body?: unknown) {
    this.status = status;
    this.body = body;
  }
}

export const noContent = () => new Reply(204);

export interface RestRoute {
  /**
   * `bot`: needs `Authorization: Bot <token>`; `bot-or-user`: that, or `Bearer <user access token>` (OAuth2);
   * `none`: open, or authorised by the interaction token in the path.
   */
  auth: 'bot' | 'bot-or-user' | 'none';
  handler: (ctx: RouteContext) => unknown;
}

export type RestRouter = Router<RestRoute>;

export function param(ctx: RouteContext, name: string): string {
  return ctx.params[name] ?? '';
}
