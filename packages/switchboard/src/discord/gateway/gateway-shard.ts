/**
 * One gateway connection (one shard), speaking Discord's gateway v10 over the platform WebSocket:
 * HELLO, heartbeats with zombie detection, IDENTIFY or RESUME, dispatches with sequence numbers, op 7
 * and op 9, and Discord's send limit. It never reconnects by itself: every close is reported to the
 * supervisor, which decides when and how to connect again (resume or identify, with backoff).
 * https://discord.com/developers/docs/events/gateway
 */
import { GatewayOpcodes, type GatewayDispatchPayload, type GatewayReadyDispatchData, type GatewayReceivePayload, type GatewaySendPayload } from 'discord-api-types/v10';
import { DISCORD_API_VERSION, GATEWAY_SENDS_MAX, GATEWAY_SENDS_WINDOW_MS } from 'discord-limits';
import type { Logger } from 'pino';
import { INVALID_SESSION, INVALID_SESSION_RESUMABLE, RECONNECT_REQUESTED } from '../gateway-close-codes.ts';
import type { IdentifyWaiter } from './identify-gate.ts';
import type { GatewaySession, SessionStore } from './session-store.ts';

export type ShardListener = {
  onOpen(shardId: number): void;
  onReady(shardId: number, data: GatewayReadyDispatchData): void;
  onResumed(shardId: number): void;
  /**
   * A dispatch, with the id of the session it belongs to. A returned promise says when it has been handled:
   * until then its sequence is not stored as handled, so that an instance resuming the session is replayed it.
   */
  onDispatch(shardId: number, payload: GatewayDispatchPayload, sessionId: string | undefined): unknown;
  onClose(shardId: number, code: number, reason: string): void;
  onHeartbeatAck(shardId: number, latencyMs: number): void;
  /** A heartbeat was due while the previous one was still unacknowledged. */
  onZombie(shardId: number): void;
};

export type GatewayShardOptions = {
  id: number;
  count: number;
  token: string;
  intents: number;
  gatewayUrl: string;
  sessions: SessionStore;
  identifyGate: IdentifyWaiter;
  listener: ShardListener;
  logger: Logger;
};

/** Room kept in the send budget for heartbeats, so that a burst of sends can never starve them. */
const HEARTBEAT_RESERVE = 5;

export class GatewayShard {
  readonly id: number;
  readonly #options: GatewayShardOptions;
  #socket: WebSocket | undefined;
  #session: GatewaySession | null = null;
  #sequence: number | null = null;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeatSentAt = 0;
  #awaitingAck = false;
  #sendTimes: number[] = [];
  #identifying: AbortController | undefined;
  /** Sequences whose dispatch is still being handled, for the current session only (`#generation`). */
  readonly #inFlight = new Set<number>();
  #generation = 0;
  /** Handed over: the session now belongs to another instance, so this shard no longer writes it. */
  #retired = false;
  latencyMs: number | null = null;
  lastAckAt: number | null = null;
  guilds = new Set<string>();

  constructor(options: GatewayShardOptions) {
    this.id = options.id;
    this.#options = options;
  }

  /** Opens a new connection; resumes the stored session when asked to and one exists. */
  async connect(resume: boolean): Promise<void> {
    this.#detach();
    const { sessions, gatewayUrl } = this.#options;
    this.#session = resume ? (this.#session ?? (await sessions.get(this.id))) : null;
    if (!this.#session) await sessions.set(this.id, null);
    this.#sequence = this.#session?.sequence ?? null;
    const base = (this.#session?.resumeUrl ?? gatewayUrl).replace(/\/+$/, '');
    const socket = new WebSocket(`${base}/?v=${DISCORD_API_VERSION}&encoding=json`);
    this.#socket = socket;
    socket.onopen = () => this.#options.listener.onOpen(this.id);
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onerror = () => this.#options.logger.debug({ shard: this.id }, 'gateway socket error; the close follows');
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#stopHeartbeat();
      this.#socket = undefined;
      void this.#persistSession();
      this.#options.listener.onClose(this.id, event.code, event.reason);
    };
  }

  /**
   * Stops writing the session, after storing it as handled so far when `store`: called once the connection
   * is closed for a hand-over, so that a late write from here can never overwrite what the new owner stores.
   */
  async retire(options: { store: boolean }): Promise<void> {
    if (options.store) await this.#persistSession();
    this.#retired = true;
  }

  /** Closes the connection. A code other than 1000/1001 keeps the session resumable on Discord's side. */
  close(code = RECONNECT_REQUESTED, reason = 'closing'): void {
    const socket = this.#socket;
    this.#identifying?.abort(new Error('closing'));
    this.#stopHeartbeat();
    if (code === 1000) this.#session = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(code, reason);
  }

  send(payload: GatewaySendPayload): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    const now = Date.now();
    this.#sendTimes = this.#sendTimes.filter((t) => t > now - GATEWAY_SENDS_WINDOW_MS);
    const budget = payload.op === GatewayOpcodes.Heartbeat ? GATEWAY_SENDS_MAX : GATEWAY_SENDS_MAX - HEARTBEAT_RESERVE;
    if (this.#sendTimes.length >= budget) {
      this.#options.logger.warn({ shard: this.id, op: payload.op }, 'gateway send budget exhausted; message dropped');
      return false;
    }
    this.#sendTimes.push(now);
    socket.send(JSON.stringify(payload));
    return true;
  }

  #receive(data: unknown): void {
    let payload: GatewayReceivePayload;
    try {
      payload = JSON.parse(String(data)) as GatewayReceivePayload;
    } catch (error) {
      this.#options.logger.warn({ shard: this.id, err: error }, 'gateway sent a message that is not JSON; ignored');
      return;
    }
    switch (payload.op) {
      case GatewayOpcodes.Hello:
        this.#startHeartbeat(payload.d.heartbeat_interval);
        void this.#authenticate();
        return;
      case GatewayOpcodes.HeartbeatAck:
        this.#awaitingAck = false;
        this.lastAckAt = Date.now();
        this.latencyMs = this.lastAckAt - this.#heartbeatSentAt;
        this.#options.listener.onHeartbeatAck(this.id, this.latencyMs);
        return;
      case GatewayOpcodes.Heartbeat:
        this.#heartbeat();
        return;
      case GatewayOpcodes.Reconnect:
        this.#closeAndReport(RECONNECT_REQUESTED, 'Discord asked to reconnect');
        return;
      case GatewayOpcodes.InvalidSession:
        if (!payload.d) this.#session = null;
        this.#closeAndReport(payload.d ? INVALID_SESSION_RESUMABLE : INVALID_SESSION, 'invalid session');
        return;
      case GatewayOpcodes.Dispatch:
        this.#dispatch(payload);
        return;
    }
  }

  #dispatch(payload: GatewayDispatchPayload): void {
    this.#sequence = payload.s;
    if (this.#session) this.#session.sequence = payload.s;
    if (payload.t === 'READY') {
      this.#session = { sessionId: payload.d.session_id, resumeUrl: payload.d.resume_gateway_url, sequence: payload.s };
      this.#generation++;
      this.#inFlight.clear();
      this.guilds = new Set(payload.d.guilds.map((g) => g.id));
      void this.#persistSession();
      this.#options.listener.onReady(this.id, payload.d);
    } else if (payload.t === 'RESUMED') {
      this.#options.listener.onResumed(this.id);
    } else if (payload.t === 'GUILD_CREATE') {
      this.guilds.add(payload.d.id);
    } else if (payload.t === 'GUILD_DELETE' && !payload.d.unavailable) {
      this.guilds.delete(payload.d.id);
    }
    const handled = this.#options.listener.onDispatch(this.id, payload, this.#session?.sessionId);
    if (!(handled instanceof Promise)) return this.#advance();
    const generation = this.#generation;
    this.#inFlight.add(payload.s);
    const settle = () => {
      if (generation !== this.#generation) return;
      this.#inFlight.delete(payload.s);
      this.#advance();
    };
    handled.then(settle, settle);
  }

  /** The last sequence up to which every dispatch of the current session has been handled. */
  #handledThrough(): number | null {
    let lowest = Infinity;
    for (const sequence of this.#inFlight) lowest = Math.min(lowest, sequence);
    return lowest === Infinity ? this.#sequence : lowest - 1;
  }

  #advance(): void {
    const sequence = this.#handledThrough();
    if (!this.#session || sequence === null || this.#retired) return;
    this.#options.sessions.advance(this.id, { ...this.#session, sequence });
  }

  async #authenticate(): Promise<void> {
    const { token, intents, count, identifyGate } = this.#options;
    const session = this.#session;
    if (session) {
      this.send({ op: GatewayOpcodes.Resume, d: { token, session_id: session.sessionId, seq: session.sequence } });
      return;
    }
    this.#identifying = new AbortController();
    try {
      await identifyGate.wait(this.id, this.#identifying.signal);
    } catch {
      return; // closed while waiting for the identify window
    }
    this.send({
      op: GatewayOpcodes.Identify,
      d: {
        token,
        intents,
        shard: [this.id, count],
        properties: { os: process.platform, browser: 'switchboard', device: 'switchboard' },
      },
    });
  }

  #startHeartbeat(intervalMs: number): void {
    this.#stopHeartbeat();
    this.#awaitingAck = false;
    // The first beat is jittered, as Discord asks, so that many shards do not beat in step.
    this.#heartbeatTimer = setTimeout(() => {
      this.#heartbeat();
      this.#heartbeatTimer = setInterval(() => this.#heartbeat(), intervalMs);
    }, Math.floor(intervalMs * Math.random()));
  }

  #heartbeat(): void {
    if (this.#awaitingAck) {
      this.#options.listener.onZombie(this.id);
      return;
    }
    this.#heartbeatSentAt = Date.now();
    if (this.send({ op: GatewayOpcodes.Heartbeat, d: this.#sequence })) this.#awaitingAck = true;
  }

  #stopHeartbeat(): void {
    if (this.#heartbeatTimer) clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  /** Closes on our side and reports it at once, instead of waiting for the socket's close event. */
  #closeAndReport(code: number, reason: string): void {
    const socket = this.#socket;
    this.#detach();
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(code, reason);
    void this.#persistSession();
    this.#options.listener.onClose(this.id, code, reason);
  }

  /** Forgets the current socket without reporting its close. */
  #detach(): void {
    this.#stopHeartbeat();
    this.#identifying?.abort(new Error('replaced'));
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      if (socket.readyState <= WebSocket.OPEN) socket.close(RECONNECT_REQUESTED, 'replaced');
    }
  }

  async #persistSession(): Promise<void> {
    if (this.#retired) return;
    try {
      const sequence = this.#handledThrough();
      await this.#options.sessions.set(this.id, this.#session ? { ...this.#session, sequence: sequence ?? this.#session.sequence } : null);
    } catch (error) {
      this.#options.logger.warn({ shard: this.id, err: error }, 'could not store the gateway session; a restart will identify again');
    }
  }
}
