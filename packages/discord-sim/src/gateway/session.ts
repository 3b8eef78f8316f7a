/**
 * A gateway session outlives its connection: while it is resumable, dispatches keep their sequence numbers and
 * wait in a replay buffer, so that a RESUME on a new connection gets exactly what it missed.
 */
import { randomBytes } from 'node:crypto';

/** Dispatches kept for resuming; a client further behind than this gets INVALID_SESSION. */
const REPLAY_BUFFER_MAX = 10_000;

export interface SessionSink {
  sendFrame(frame: string): void;
}

export class GatewaySession {
  readonly id = randomBytes(16).toString('hex');
  readonly shardId: number;
  readonly shardCount: number;
  readonly intents: number;
  seq = 0;
  connection: SessionSink | null = null;
  invalidated = false;
  expiryTimer: NodeJS.Timeout | undefined;
  private readonly replay: string[] = [];
  private replayStart = 0;

  constructor(input: { shardId: number; shardCount: number; intents: number }) {
    this.shardId = input.shardId;
    this.shardCount = input.shardCount;
    this.intents = input.intents;
  }

  /** Numbers a dispatch, remembers it and sends it if a connection is attached. */
  dispatch(event: string, dataJson: string): void {
    this.seq++;
    const frame = `{"op":0,"t":"${event}","s":${this.seq},"d":${dataJson}}`;
    this.replay.push(frame);
    if (this.replay.length - this.replayStart > REPLAY_BUFFER_MAX) this.replayStart++;
    // Compacts now and then rather than shifting on every dispatch.
    if (this.replayStart > REPLAY_BUFFER_MAX) {
      this.replay.splice(0, this.replayStart);
      this.replayStart = 0;
    }
    this.connection?.sendFrame(frame);
  }

  /** The frames after `seq`, or null when some of them are no longer kept. */
  framesAfter(seq: number): string[] | null {
    const kept = this.replay.length - this.replayStart;
    const oldestSeq = this.seq - kept + 1;
    if (seq + 1 < oldestSeq) return null;
    return this.replay.slice(this.replay.length - (this.seq - seq));
  }
}
