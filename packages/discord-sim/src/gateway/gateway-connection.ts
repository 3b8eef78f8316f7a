/**
 * One gateway WebSocket: HELLO, heartbeats and zombie detection, IDENTIFY and RESUME, the per-connection send
 * limit, and optional zlib-stream transport compression.
 */
import { GATEWAY_SENDS_MAX, GATEWAY_SENDS_WINDOW_MS } from 'discord-limits';
import type { WebSocket } from 'ws';
import { ALL_INTENTS, CloseCode, disallowedIntents, NON_RESUMABLE_CLOSE_CODES, Op } from './protocol.ts';
import type { GatewayContext } from './gateway-context.ts';
import { GatewaySession } from './session.ts';
import type { SessionSink } from './session.ts';
import type { ZlibStream } from './zlib-stream.ts';

interface Payload {
  op: number;
  d: unknown;
}

export class GatewayConnection implements SessionSink {
  readonly ws: WebSocket;
  session: GatewaySession | null = null;
  /** Set by the `silence` fault: heartbeats are no longer acknowledged, so the client sees a zombie connection. */
  silenced = false;
  private readonly context: GatewayContext;
  private readonly zlib: ZlibStream | null;
  private lastHeartbeat = Date.now();
  private readonly sendTimes: number[] = [];
  private closingCode: number | null = null;
  private readonly zombieTimer: NodeJS.Timeout;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(ws: WebSocket, context: GatewayContext, zlib: ZlibStream | null) {
    this.ws = ws;
    this.context = context;
    this.zlib = zlib;
    const interval = context.heartbeatIntervalMs;
    this.zombieTimer = setInterval(() => this.checkHeartbeat(), Math.max(100, Math.floor(interval / 4)));
    this.zombieTimer.unref();
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.onClose(code));
    ws.on('error', () => undefined);
    this.sendPayload({ op: Op.Hello, d: { heartbeat_interval: interval, _trace: ['["discord-sim",{"micros":0}]'] } });
  }

  get shardId(): number | undefined {
    return this.session?.shardId;
  }

  sendFrame(frame: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (!this.zlib) {
      this.ws.send(frame);
      return;
    }
    void this.zlib.compress(frame).then((bytes) => {
      if (this.ws.readyState === this.ws.OPEN) this.ws.send(bytes);
    });
  }

  private sendPayload(payload: { op: number; d: unknown }): void {
    this.sendFrame(JSON.stringify({ op: payload.op, d: payload.d, s: null, t: null }));
  }

  close(code: number, reason = ''): void {
    if (this.closingCode !== null) return;
    this.closingCode = code;
    this.ws.close(code, reason);
  }

  /** Ends the TCP connection without a close frame, as a network failure would. */
  drop(): void {
    this.ws.terminate();
  }

  /** Asks the client to reconnect (op 7); if it does not, the connection is closed as Discord would. */
  requestReconnect(): void {
    this.sendPayload({ op: Op.Reconnect, d: null });
    this.reconnectTimer = setTimeout(() => this.close(CloseCode.UnknownError, 'Reconnect requested'), 10_000);
    this.reconnectTimer.unref();
  }

  private checkHeartbeat(): void {
    if (Date.now() - this.lastHeartbeat > this.context.heartbeatIntervalMs * 1.5) this.close(CloseCode.SessionTimedOut, 'Session timed out');
  }

  private withinSendLimit(): boolean {
    const now = Date.now();
    this.sendTimes.push(now);
    while ((this.sendTimes[0] ?? now) <= now - GATEWAY_SENDS_WINDOW_MS) this.sendTimes.shift();
    return this.sendTimes.length <= GATEWAY_SENDS_MAX;
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    if (this.closingCode !== null) return;
    this.context.stats.gatewaySends++;
    if (!this.withinSendLimit()) return this.close(CloseCode.RateLimited, 'You are being rate limited.');
    let payload: Payload;
    try {
      const text = isBinary || Buffer.isBuffer(data) ? Buffer.from(data as Buffer).toString('utf8') : String(data);
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as Payload).op !== 'number') throw new Error('not a payload');
      payload = parsed as Payload;
    } catch {
      return this.close(CloseCode.DecodeError, 'Error while decoding payload.');
    }
    switch (payload.op) {
      case Op.Heartbeat:
        this.lastHeartbeat = Date.now();
        if (!this.silenced) this.sendPayload({ op: Op.HeartbeatAck, d: null });
        return;
      case Op.Identify:
        return this.identify(payload.d);
      case Op.Resume:
        return this.resume(payload.d);
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!this.session) return this.close(CloseCode.NotAuthenticated, 'Not authenticated.');
        if (payload.op === Op.RequestGuildMembers) this.context.requestGuildMembers(this.session, payload.d);
        return;
      default:
        return this.close(CloseCode.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private tokenMatches(token: unknown): boolean {
    return typeof token === 'string' && token.replace(/^Bot /, '') === this.context.state.application.token;
  }

  private identify(d: unknown): void {
    if (this.session) return this.close(CloseCode.AlreadyAuthenticated, 'Already authenticated.');
    // Every IDENTIFY counts against the session start limit, accepted or not.
    this.context.stats.identifies++;
    if (typeof d !== 'object' || d === null) return this.close(CloseCode.DecodeError, 'Error while decoding payload.');
    const input = d as { token?: unknown; intents?: unknown; shard?: unknown };
    if (!this.tokenMatches(input.token)) return this.close(CloseCode.AuthenticationFailed, 'Authentication failed.');
    const intents = input.intents;
    if (typeof intents !== 'number' || !Number.isSafeInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      return this.close(CloseCode.InvalidIntents, 'Invalid intent(s).');
    }
    if (disallowedIntents(intents, this.context.state.application.flags)) return this.close(CloseCode.DisallowedIntents, 'Disallowed intent(s).');
    let shardId = 0;
    let shardCount = 1;
    if (input.shard !== undefined) {
      const shard = input.shard;
      const valid = Array.isArray(shard) && shard.length === 2 && shard.every((n) => Number.isSafeInteger(n)) && shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1];
      if (!valid) return this.close(CloseCode.InvalidShard, 'Invalid shard.');
      [shardId, shardCount] = shard as [number, number];
    }
    const session = new GatewaySession({ shardId, shardCount, intents });
    this.attach(session);
    this.context.registerSession(session);
    this.context.sendReady(session, input.shard !== undefined);
  }

  private resume(d: unknown): void {
    if (this.session) return this.close(CloseCode.AlreadyAuthenticated, 'Already authenticated.');
    const input = (typeof d === 'object' && d !== null ? d : {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
    if (!this.tokenMatches(input.token)) return this.close(CloseCode.AuthenticationFailed, 'Authentication failed.');
    const session = typeof input.session_id === 'string' ? this.context.findSession(input.session_id) : undefined;
    const seq = typeof input.seq === 'number' ? input.seq : -1;
    if (session && seq > session.seq) return this.close(CloseCode.InvalidSeq, 'Invalid seq.');
    const missed = session && seq >= 0 ? session.framesAfter(seq) : null;
    if (!session || !missed) {
      if (session) this.context.invalidate(session);
      this.context.stats.invalidSessions++;
      this.sendPayload({ op: Op.InvalidSession, d: false });
      return;
    }
    const previous = session.connection;
    if (previous instanceof GatewayConnection && previous !== this) previous.close(CloseCode.UnknownError, 'Session resumed elsewhere');
    clearTimeout(session.expiryTimer);
    for (const frame of missed) this.sendFrame(frame);
    this.attach(session);
    this.context.stats.resumes++;
    this.context.dispatcher.dispatchTo(session, 'RESUMED', { _trace: ['["discord-sim",{"micros":0}]'] });
  }

  private attach(session: GatewaySession): void {
    this.session = session;
    session.connection = this;
  }

  private onClose(clientCode: number): void {
    clearInterval(this.zombieTimer);
    clearTimeout(this.reconnectTimer);
    this.zlib?.close();
    this.context.forgetConnection(this);
    const session = this.session;
    if (!session || session.connection !== this) return;
    session.connection = null;
    const serverCode = this.closingCode;
    // A client closing with 1000 or 1001 ends its session on Discord; some server closes do too.
    const ended = serverCode !== null ? NON_RESUMABLE_CLOSE_CODES.has(serverCode) : clientCode === 1000 || clientCode === 1001;
    if (ended) this.context.invalidate(session);
    else this.context.keepResumable(session);
  }
}
