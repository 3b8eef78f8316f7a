/** Control API for running the simulator: faults, stats, the application's intents and flags. */
import { ApiError, ErrorCode } from '../rest/errors.ts';
import type { RestFault } from '../faults/fault-injector.ts';
import { ALL_PRIVILEGED, AppFlag, flagsForPrivileged } from '../gateway/protocol.ts';
import type { PrivilegedIntentName } from '../gateway/protocol.ts';
import { num, str } from './control-types.ts';
import type { ControlContext, ControlRouter } from './control-types.ts';

const PRIVILEGED_FLAGS = Object.values(AppFlag).reduce((all, bit) => all | bit, 0);

function addFault(ctx: ControlContext): Record<string, unknown> {
  const { gateway, faults } = ctx.sim;
  const body = ctx.body;
  const shard = num(body.shard);
  const hold = num(body.holdMs);
  if (hold !== undefined && (body.kind === 'close' || body.kind === 'drop')) gateway.holdConnections(hold);
  switch (body.kind) {
    case 'close': {
      const code = num(body.code);
      if (code === undefined) throw new ApiError(400, ErrorCode.General, 'code is required');
      return { kind: 'close', affected: gateway.closeConnections(code, shard) };
    }
    case 'drop':
      return { kind: 'drop', affected: gateway.dropConnections(shard) };
    case 'silence':
      return { kind: 'silence', affected: gateway.silenceConnections(shard) };
    case 'reconnect':
      return { kind: 'reconnect', affected: gateway.requestReconnect(shard) };
    case 'http': {
      const route = str(body.route);
      const status = num(body.status);
      if (!route || status === undefined) throw new ApiError(400, ErrorCode.General, 'route and status are required');
      faults.add({ kind: 'http', route, status, method: str(body.method), times: num(body.times) ?? 1, body: body.body });
      return { kind: 'http', armed: true };
    }
    case 'latency': {
      const ms = num(body.ms);
      if (ms === undefined) throw new ApiError(400, ErrorCode.General, 'ms is required');
      faults.add({ kind: 'latency', ms, route: str(body.route) });
      return { kind: 'latency', armed: true };
    }
    case 'ratelimit': {
      const fault: RestFault = {
        kind: 'ratelimit',
        route: str(body.route),
        method: str(body.method),
        times: num(body.times) ?? 1,
        retryAfterMs: num(body.retryAfterMs) ?? 1000,
        global: body.global === true,
      };
      if (body.scope === 'user' || body.scope === 'global' || body.scope === 'shared') fault.scope = body.scope;
      faults.add(fault);
      return { kind: 'ratelimit', armed: true };
    }
    default:
      throw new ApiError(400, ErrorCode.General, 'kind must be close, drop, silence, reconnect, http, latency or ratelimit');
  }
}

function applicationView(ctx: ControlContext) {
  const app = ctx.sim.state.application;
  const enabled = ALL_PRIVILEGED.filter((name) => (app.flags & flagsForPrivileged([name])) !== 0);
  return { id: app.id, name: app.name, botUserId: app.botUserId, flags: app.flags, privilegedIntents: enabled, maxConcurrency: app.maxConcurrency };
}

export function registerOperationsControl(router: ControlRouter): void {
  router.add('POST', '/faults', addFault);
  router.add('GET', '/faults', (ctx) => ctx.sim.faults.describe());
  router.add('DELETE', '/faults', (ctx) => {
    ctx.sim.faults.clear();
    ctx.sim.gateway.silenceConnections(undefined, false);
    return { cleared: true };
  });

  router.add('GET', '/stats', (ctx) => ctx.sim.stats.snapshot(ctx.sim.gateway.connectedCount, ctx.sim.gateway.resumableCount));
  router.add('POST', '/stats/reset', (ctx) => {
    ctx.sim.stats.reset();
    return { reset: true };
  });
  router.add('POST', '/ratelimits/reset', (ctx) => {
    ctx.sim.rateLimiter.reset();
    return { reset: true };
  });
  router.add('GET', '/ratelimits/minimum-time', (ctx) => ctx.sim.rateLimiter.minimumTime());

  router.add('GET', '/applications/@me', applicationView);
  router.add('POST', '/applications/@me', (ctx) => {
    const app = ctx.sim.state.application;
    const body = ctx.body;
    if (Array.isArray(body.privilegedIntents)) {
      const names = body.privilegedIntents.map(String);
      const unknown = names.filter((n) => !(ALL_PRIVILEGED as string[]).includes(n));
      if (unknown.length > 0) throw new ApiError(400, ErrorCode.General, `Unknown privileged intents: ${unknown.join(', ')}`);
      app.flags = (app.flags & ~PRIVILEGED_FLAGS) | flagsForPrivileged(names as PrivilegedIntentName[]);
    }
    if (num(body.flags) !== undefined) app.flags = num(body.flags) ?? app.flags;
    const concurrency = num(body.maxConcurrency);
    if (concurrency !== undefined && concurrency >= 1) app.maxConcurrency = Math.floor(concurrency);
    if (typeof body.realisticRateLimits === 'boolean') ctx.sim.rateLimiter.enabled = body.realisticRateLimits;
    return applicationView(ctx);
  });
}
