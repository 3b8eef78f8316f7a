/** The services a running simulator shares between its REST routes, control API and gateway. */
import type { FaultInjector } from './faults/fault-injector.ts';
import type { GatewayServer } from './gateway/gateway-server.ts';
import type { RateLimiter } from './rest/rate-limiter.ts';
import type { InteractionRegistry } from './state/interactions.ts';
import type { OAuthGrants } from './state/oauth-grants.ts';
import type { SimulatedState } from './state/simulated-state.ts';
import type { Stats } from './stats/stats.ts';

export interface SimContext {
  state: SimulatedState;
  stats: Stats;
  interactions: InteractionRegistry;
  gateway: GatewayServer;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  /** The application's OAuth2 side: its client secret and the grants it has handed out. */
  oauth: { clientSecret: string; grants: OAuthGrants };
  urls: { url: string; apiBase: string; gatewayUrl: string };
}
