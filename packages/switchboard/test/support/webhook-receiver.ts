/**
 * A real HTTP server that receives webhooks and verifies them with the standardwebhooks library, as an
 * app would. It answers with what `respond` says (default 200); a request that fails verification is
 * recorded as such and answered 401.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceivedWebhook = {
  webhookId: string;
  signature: string;
  body: string;
  payload: unknown;
  verified: boolean;
  userAgent: string | undefined;
  contentType: string | undefined;
};

export type WebhookReceiver = {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** How many requests are being answered right now. */
  readonly active: number;
  close(): Promise<void>;
};

export type ReceiverOptions = {
  /** The secret the receiver verifies with (`whsec_…`). */
  secret: string;
  /** The status to answer with; may wait (to hold a request open). */
  respond?: (hook: ReceivedWebhook, index: number) => number | Promise<number>;
};

export async function startWebhookReceiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const verifier = new Webhook(options.secret);
  const received: ReceivedWebhook[] = [];
  let active = 0;
  const server = http.createServer((req, res) => {
    active += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
        let payload: unknown;
        let verified = true;
        try {
          payload = verifier.verify(body, headers);
        } catch {
          verified = false;
        }
        const hook: ReceivedWebhook = {
          webhookId: headers['webhook-id'] ?? '',
          signature: headers['webhook-signature'] ?? '',
          body,
          payload,
          verified,
          userAgent: headers['user-agent'],
          contentType: headers['content-type'],
        };
        received.push(hook);
        const status = verified ? await (options.respond?.(hook, received.length - 1) ?? 200) : 401;
        active -= 1;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `status ${status}` : 'ok');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    port,
    received,
    get active() {
      return active;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
