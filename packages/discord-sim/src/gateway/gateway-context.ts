/** What a gateway connection needs from the server around it. */
import type { Dispatcher } from './dispatcher.ts';
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
  /** The connection closed; the server forgets it (by identity, so the context needs no more of its type). */
  forgetConnection(connection: object): void;
  sendReady(session: GatewaySession, sharded: boolean): void;
  requestGuildMembers(session: GatewaySession, request: unknown): void;
}
