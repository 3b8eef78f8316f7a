/** The services a running simulator shares between its REST routes, control API and gateway. */
import type { FaultInjector } from './faults/fault-injector.ts';
import type { GatewayServer } from './gateway/gateway-server.ts';
import type { RateLimiter } from './rest/rate-limiter.ts';
import type { InteractionRegistry } from './state/interactions.ts';
import type { SimulatedState } from './state/simulated-state.ts';
import type { Stats } from './stats/stats.ts';

export interface SimContext {
  state: SimulatedState;
  stats: Stats;
  interactions: InteractionRegistry;
  gateway: GatewayServer;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  urls: { url: string; apiBase: string; gatewayUrl: string };
}
