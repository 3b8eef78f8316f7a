/** Fans one state change out to every live or resumable session that should see it: by shard, intents and membership. */
import { intentFor } from './protocol.ts';
import { variantFor } from './intent-filter.ts';
import type { GatewaySession } from './session.ts';
import type { DispatchScope, SimulatedState } from '../state/simulated-state.ts';
import type { Stats } from '../stats/stats.ts';
import { shardForGuild } from '../util/snowflake.ts';

export class Dispatcher {
  private readonly state: SimulatedState;
  private readonly sessions: ReadonlySet<GatewaySession>;
  private readonly stats: Stats;

  constructor(state: SimulatedState, sessions: ReadonlySet<GatewaySession>, stats: Stats) {
    this.state = state;
    this.sessions = sessions;
    this.stats = stats;
  }

  dispatch(event: string, data: unknown, scope: DispatchScope): void {
    const guildId = scope.guildId;
    const botUserId = this.state.application.botUserId;
    // A guild the bot is not in produces no events for it.
    if (guildId && this.state.guilds.get(guildId)?.members.has(botUserId) === false) return;
    const needed = intentFor(event, guildId !== undefined);
    const rendered = new Map<string, string | null>();
    for (const session of this.sessions) {
      if (session.invalidated) continue;
      const shard = guildId ? shardForGuild(guildId, session.shardCount) : 0;
      if (shard !== session.shardId) continue;
      if (needed !== null && (session.intents & needed) === 0) continue;
      const variant = variantFor(event, data, session.intents, botUserId);
      let json = rendered.get(variant.key);
      if (json === undefined) {
        const value = variant.render();
        json = value === null ? null : JSON.stringify(value);
        rendered.set(variant.key, json);
      }
      if (json === null) continue;
      session.dispatch(event, json);
      this.stats.gatewayDispatches++;
    }
  }

  /** Sends one already-serialised dispatch to a single session (READY, GUILD_CREATE at identify, RESUMED). */
  dispatchTo(session: GatewaySession, event: string, data: unknown): void {
    const variant = variantFor(event, data, session.intents, this.state.application.botUserId);
    const value = variant.render();
    if (value === null) return;
    session.dispatch(event, JSON.stringify(value));
    this.stats.gatewayDispatches++;
  }
}
