/** What a control API handler receives; answers are JSON, errors are `ApiError`s like the REST API's. */
import type { Router } from '../rest/router.ts';
import type { JsonObject } from '../rest/request-body.ts';
import type { SimContext } from '../sim-context.ts';

export interface ControlContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: JsonObject;
  sim: SimContext;
}

export type ControlHandler = (ctx: ControlContext) => unknown;
export type ControlRouter = Router<ControlHandler>;

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
export const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
