/**
 * The gateway endpoint: accepts WebSocket upgrades on the simulator's port, keeps sessions (live and resumable),
 * answers READY and the initial GUILD_CREATEs, and carries out gateway faults.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode, Intent } from './protocol.ts';
import { Dispatcher } from './dispatcher.ts';
import { GatewayConnection } from './gateway-connection.ts';
import type { GatewayContext } from './gateway-context.ts';
import type { GatewaySession } from './session.ts';
import { ZlibStream } from './zlib-stream.ts';
import { guildCreatePayload } from '../state/guilds.ts';
import type { SimulatedState } from '../state/simulated-state.ts';
import type { Stats } from '../stats/stats.ts';
import { shardForGuild } from '../util/snowflake.ts';
import { DISCORD_API_VERSION } from 'discord-limits';

/** How long a disconnected session can still be resumed. */
const RESUME_WINDOW_MS = 3 * 60_000;

export class GatewayServer implements GatewayContext {
  readonly state: SimulatedState;
  readonly stats: Stats;
  readonly dispatcher: Dispatcher;
  readonly heartbeatIntervalMs: number;
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly liveSessions = new Set<GatewaySession>();
  private readonly connections = new Set<GatewayConnection>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly publicUrl: () => string;
  private readonly unsubscribe: () => void;

  constructor(input: { state: SimulatedState; stats: Stats; heartbeatIntervalMs: number; publicUrl: () => string }) {
    this.state = input.state;
    this.stats = input.stats;
    this.heartbeatIntervalMs = input.heartbeatIntervalMs;
    this.publicUrl = input.publicUrl;
    this.dispatcher = new Dispatcher(this.state, this.liveSessions, this.stats);
    this.unsubscribe = this.state.onDispatch((event, data, scope) => this.dispatcher.dispatch(event, data, scope));
  }

  /** Until this time new connections wait before being accepted: an outage window set by close/drop faults. */
  private holdUntil = 0;

  /** Makes clients that reconnect within `ms` wait, so that what happens meanwhile must be replayed on resume. */
  holdConnections(ms: number): void {
    this.holdUntil = Math.max(this.holdUntil, Date.now() + ms);
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (socket.destroyed) return;
    const wait = this.holdUntil - Date.now();
    if (wait > 0) {
      setTimeout(() => this.handleUpgrade(request, socket, head), wait).unref();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const version = url.searchParams.get('v');
      const encoding = url.searchParams.get('encoding') ?? 'json';
      const compress = url.searchParams.get('compress');
      if (version !== null && version !== String(DISCORD_API_VERSION)) {
        ws.close(CloseCode.InvalidApiVersion, 'Invalid API version');
        return;
      }
      // Only JSON is spoken; ETF clients get a decode error rather than garbage.
      if (encoding !== 'json') {
        ws.close(CloseCode.DecodeError, 'Only JSON encoding is supported');
        return;
      }
      const connection = new GatewayConnection(ws, this, compress === 'zlib-stream' ? new ZlibStream() : null);
      this.connections.add(connection);
    });
  }

  registerSession(session: GatewaySession): void {
    this.sessions.set(session.id, session);
    this.liveSessions.add(session);
  }

  findSession(id: string): GatewaySession | undefined {
    return this.sessions.get(id);
  }

  invalidate(session: GatewaySession): void {
    session.invalidated = true;
    clearTimeout(session.expiryTimer);
    this.sessions.delete(session.id);
    this.liveSessions.delete(session);
  }

  keepResumable(session: GatewaySession): void {
    clearTimeout(session.expiryTimer);
    session.expiryTimer = setTimeout(() => this.invalidate(session), RESUME_WINDOW_MS);
    session.expiryTimer.unref();
  }

  forgetConnection(connection: object): void {
    this.connections.delete(connection as GatewayConnection);
  }

  private guildsOnShard(session: GatewaySession) {
    const bot = this.state.application.botUserId;
    return [...this.state.guilds.values()].filter((g) => g.members.has(bot) && shardForGuild(g.id, session.shardCount) === session.shardId);
  }

  sendReady(session: GatewaySession, sharded: boolean): void {
    const app = this.state.application;
    const guilds = this.guildsOnShard(session);
    const ready: Record<string, unknown> = {
      v: DISCORD_API_VERSION,
      user: { ...this.state.botUser, verified: true, mfa_enabled: false, email: null },
      user_settings: {},
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      guild_join_requests: [],
      presences: [],
      private_channels: [],
      relationships: [],
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.publicUrl(),
      application: { id: app.id, flags: app.flags },
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['["discord-sim",{"micros":0}]'],
    };
    if (sharded) ready.shard = [session.shardId, session.shardCount];
    this.dispatcher.dispatchTo(session, 'READY', ready);
    // Discord sends the guilds after READY, as separate dispatches; a macrotask apart keeps that order visible.
    setImmediate(() => {
      if (session.invalidated) return;
      for (const guild of guilds) {
        if ((session.intents & Intent.Guilds) === 0) break;
        this.dispatcher.dispatchTo(session, 'GUILD_CREATE', guildCreatePayload(this.state, guild));
      }
    });
  }

  requestGuildMembers(session: GatewaySession, request: unknown): void {
    const input = (typeof request === 'object' && request !== null ? request : {}) as { guild_id?: unknown; query?: unknown; limit?: unknown; user_ids?: unknown; nonce?: unknown };
    const guild = typeof input.guild_id === 'string' ? this.state.guilds.get(input.guild_id) : undefined;
    if (!guild) return;
    const query = typeof input.query === 'string' ? input.query.toLowerCase() : '';
    const ids = Array.isArray(input.user_ids) ? input.user_ids.map(String) : typeof input.user_ids === 'string' ? [input.user_ids] : null;
    const limit = typeof input.limit === 'number' && input.limit > 0 ? input.limit : Infinity;
    const members = [...guild.members.values()]
      .filter((m) => (ids ? ids.includes(m.user_id) : (this.state.users.get(m.user_id)?.username ?? '').toLowerCase().startsWith(query)))
      .slice(0, limit)
      .map((m) => this.state.memberPayload(guild, m));
    const notFound = ids ? ids.filter((id) => !guild.members.has(id)) : [];
    this.dispatcher.dispatchTo(session, 'GUILD_MEMBERS_CHUNK', { guild_id: guild.id, members, chunk_index: 0, chunk_count: 1, not_found: notFound, nonce: input.nonce });
  }

  private connectionsOn(shard: number | undefined): GatewayConnection[] {
    return [...this.connections].filter((c) => shard === undefined || c.shardId === shard);
  }

  /** Closes live connections with a close code, as Discord would. */
  closeConnections(code: number, shard?: number): number {
    const targets = this.connectionsOn(shard);
    for (const connection of targets) connection.close(code, 'Closed by the simulator');
    return targets.length;
  }

  dropConnections(shard?: number): number {
    const targets = this.connectionsOn(shard);
    for (const connection of targets) connection.drop();
    return targets.length;
  }

  silenceConnections(shard?: number, silenced = true): number {
    const targets = this.connectionsOn(shard);
    for (const connection of targets) connection.silenced = silenced;
    return targets.length;
  }

  requestReconnect(shard?: number): number {
    const targets = this.connectionsOn(shard);
    for (const connection of targets) connection.requestReconnect();
    return targets.length;
  }

  /** The fullest socket's unsent bytes, for producers that must not outrun their clients. */
  maxBufferedBytes(): number {
    let max = 0;
    for (const connection of this.connections) max = Math.max(max, connection.ws.bufferedAmount);
    return max;
  }

  get connectedCount(): number {
    return [...this.connections].filter((c) => c.session !== null).length;
  }

  get resumableCount(): number {
    return [...this.sessions.values()].filter((s) => s.connection === null).length;
  }

  /** Sessions a load generator can write to directly. */
  get activeSessions(): ReadonlySet<GatewaySession> {
    return this.liveSessions;
  }

  close(): void {
    this.unsubscribe();
    for (const connection of this.connections) connection.drop();
    for (const session of this.sessions.values()) clearTimeout(session.expiryTimer);
    this.sessions.clear();
    this.liveSessions.clear();
    this.wss.close();
  }
}
