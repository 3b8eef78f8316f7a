/** A bare gateway client for protocol tests: it sends exactly what a test says and records what comes back. */
import { WebSocket } from 'ws';
import { inflateSync } from 'node:zlib';

export interface GatewayPayload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

export class RawGateway {
  readonly ws: WebSocket;
  readonly received: GatewayPayload[] = [];
  closeCode: number | undefined;
  private readonly opened: Promise<void>;
  private readonly closed: Promise<number>;
  private waiters: Array<() => void> = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => {
      this.closeCode = code;
      resolve(code);
      this.notify();
    }));
    this.ws.on('message', (data: Buffer, isBinary) => {
      this.received.push(JSON.parse(isBinary ? inflateSync(data).toString() : data.toString()) as GatewayPayload);
      this.notify();
    });
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  open(): Promise<void> {
    return this.opened;
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  /** Resolves with the first received payload matching `match` (including ones already received). */
  async next(match: (p: GatewayPayload) => boolean, what: string, timeoutMs = 10_000): Promise<GatewayPayload> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      if (this.closeCode !== undefined) throw new Error(`Gateway closed (${this.closeCode}) while waiting for ${what}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  dispatch(t: string, timeoutMs?: number): Promise<GatewayPayload> {
    return this.next((p) => p.op === 0 && p.t === t, `dispatch ${t}`, timeoutMs);
  }

  async closedWith(timeoutMs = 10_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Timed out waiting for the gateway to close')), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  identify(token: string, intents: number, extra: Record<string, unknown> = {}): void {
    this.send({ op: 2, d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' }, ...extra } });
  }

  close(): void {
    this.ws.close(1000);
  }
}

export async function connectRaw(gatewayUrl: string, query = '?v=10&encoding=json'): Promise<RawGateway> {
  const client = new RawGateway(`${gatewayUrl}/${query}`);
  await client.open();
  return client;
}
