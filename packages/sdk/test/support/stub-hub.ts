/**
 * A stand-in for the hub in client tests: a local node:http server that records each request (method,
 * path, query, headers, body) and answers what the test scripts, in the hub's envelope by default.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export interface StubReply {
  status?: number;
  /** Sent as `{ version: '1.0.0', data }`. */
  data?: unknown;
  /** Sent as `{ version: '1.0.0', error }`. */
  error?: { code: string; message: string; details?: unknown };
  /** Sent as is, instead of an envelope. */
  raw?: string;
  headers?: Record<string, string>;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export interface StubHub {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startStubHub(reply: (request: RecordedRequest, index: number) => StubReply): Promise<StubHub> {
  const requests: RecordedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://stub');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body: rawBody === '' ? undefined : JSON.parse(rawBody),
      };
      requests.push(recorded);
      const answer = reply(recorded, requests.length - 1);
      if (answer.hang === true) {
        hanging.push(res);
        return;
      }
      const text = answer.raw ?? JSON.stringify(answer.error === undefined ? { version: '1.0.0', data: answer.data ?? null } : { version: '1.0.0', error: answer.error });
      res.writeHead(answer.status ?? 200, { 'content-type': answer.raw === undefined ? 'application/json' : 'text/html', ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
