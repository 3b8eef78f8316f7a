/** What a gateway connection needs from the server around it. */
import type { Dispatcher } from './dispatcher.ts';
import type { GatewayConnection } from './gateway-connection.ts';
import type { GatewaySession } from './session.ts';
import type { SimulatedState } from '../state/simulated-state.ts';
import type { Stats } from '../stats/stats.ts';

export interface GatewayContext {
  readonly state: SimulatedState;
  readonly stats: Stats;
  readonly dispatcher: Dispatcher;
  readonly heartbeatIntervalMs: number;
  registerSession(session: GatewaySession): void;
  findSession(id: string): GatewaySession | undefined;
  invalidate(session: GatewaySession): void;
  keepResumable(session: GatewaySession): void;
  forgetConnection(connection: GatewayConnection): void;
  sendReady(session: GatewaySession, sharded: boolean): void;
  requestGuildMembers(session: GatewaySession, request: unknown): void;
}
