/** The control API under `/_sim`: JSON in and out, no authentication, no rate limits. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../rest/errors.ts';
import { parseRequestBody } from '../rest/request-body.ts';
import { Router } from '../rest/router.ts';
import type { SimContext } from '../sim-context.ts';
import { readBody, sendJson } from '../util/http.ts';
import { registerGuildControl } from './control-guilds.ts';
import { registerInteractionControl } from './control-interactions.ts';
import { registerMessageControl } from './control-messages.ts';
import { registerOperationsControl } from './control-operations.ts';
import { registerLoadControl } from './load-generator.ts';
import type { ControlHandler } from './control-types.ts';

export class ControlApi {
  private readonly router = new Router<ControlHandler>();
  private readonly sim: SimContext;

  constructor(sim: SimContext) {
    this.sim = sim;
    registerGuildControl(this.router);
    registerMessageControl(this.router);
    registerInteractionControl(this.router);
    registerOperationsControl(this.router);
    registerLoadControl(this.router);
    this.router.add('GET', '/', () => ({ ...this.sim.urls, applicationId: this.sim.state.application.id, botUserId: this.sim.state.application.botUserId }));
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const match = this.router.match(method, path);
    try {
      if (!match) {
        sendJson(res, 404, { message: `No control route ${method} /_sim${path}`, code: 0 });
        return;
      }
      const body = parseRequestBody(req.headers['content-type'], await readBody(req));
      const result = await match.route({ params: match.params, query, body, sim: this.sim });
      sendJson(res, 200, result ?? { ok: true });
    } catch (error) {
      if (error instanceof ApiError) sendJson(res, error.status, error.body());
      else sendJson(res, 500, { message: error instanceof Error ? error.message : String(error), code: 0 });
    }
  }
}
