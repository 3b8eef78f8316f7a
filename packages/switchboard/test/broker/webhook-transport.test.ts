import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { pinnedHttpTransport } from '../../src/broker/webhook-transport.ts';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from '../support/self-signed-tls.ts';

type Seen = { method: string; url: string; host: string; body: string };

async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: (srv.address() as AddressInfo).port,
    seen,
    close: () => new Promise((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }),
  };
}

describe('pinned webhook transport', () => {
  const servers: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('connects to the checked address, not to whatever the name resolves to', async () => {
    const receiver = await server((_req, res) => res.writeHead(204).end());
    servers.push(receiver);
    // `.invalid` never resolves: the request can only arrive through the pinned address.
    const answer = await pinnedHttpTransport({
      url: new URL(`http://hooks.switchboard.invalid:${receiver.port}/in?x=1`),
      addresses: [{ address: '127.0.0.1', family: 4 }],
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      timeoutMs: 5_000,
    });
    assert.equal(answer.status, 204);
    assert.deepEqual(receiver.seen, [{ method: 'POST', url: '/in?x=1', host: `hooks.switchboard.invalid:${receiver.port}`, body: '{"a":1}' }]);
  });

  it('reports the status and the start of the body, and does not follow redirects', async () => {
    const receiver = await server((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/elsewhere' }).end();
      else res.writeHead(500).end('x'.repeat(10_000));
    });
    servers.push(receiver);
    const send = (path: string) =>
      pinnedHttpTransport({ url: new URL(`http://127.0.0.1:${receiver.port}${path}`), addresses: [{ address: '127.0.0.1', family: 4 }], headers: {}, body: '{}', timeoutMs: 5_000 });
    const failed = await send('/fail');
    assert.equal(failed.status, 500);
    assert.equal(failed.bodyExcerpt.length, 512);
    assert.equal((await send('/moved')).status, 302);
    assert.deepEqual(receiver.seen.map((s) => s.url), ['/fail', '/moved']);
  });

  it('reuses a connection only for requests whose check approved the same addresses', async () => {
    const connections: number[] = [];
    const receiver = await server((req, res) => {
      connections.push(req.socket.remotePort ?? 0);
      res.writeHead(204).end();
    });
    servers.push(receiver);
    const send = (addresses: { address: string; family: 4 }[]) =>
      pinnedHttpTransport({ url: new URL(`http://hooks.switchboard.invalid:${receiver.port}/in`), addresses, headers: {}, body: '{}', timeoutMs: 5_000 });
    const checked = [{ address: '127.0.0.1', family: 4 as const }];
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await send(checked)).status, 204);
      // The pool takes the connection back on a later turn of the event loop; a webhook sent in the same
      // turn as the last answer would open a second one (deliveries overlap anyway).
      await sleep(1);
    }
    assert.equal(new Set(connections).size, 1, 'one kept-alive connection for three webhooks');
    // Another answer of the check (say, the name now also resolves elsewhere) gets a connection of its own.
    await send([...checked, { address: '127.0.0.2', family: 4 }]);
    assert.equal(new Set(connections).size, 2);
    assert.notEqual(connections[3], connections[0]);
  });

  it('gives up after the timeout', async () => {
    const receiver = await server(() => {
      // never answers
    });
    servers.push(receiver);
    await assert.rejects(
      pinnedHttpTransport({ url: new URL(`http://127.0.0.1:${receiver.port}/`), addresses: [{ address: '127.0.0.1', family: 4 }], headers: {}, body: '{}', timeoutMs: 200 }),
      /no complete answer within 200 ms/,
    );
  });

  it('rejects when nothing listens', async () => {
    const receiver = await server((_req, res) => res.end());
    await receiver.close();
    await assert.rejects(
      pinnedHttpTransport({ url: new URL(`http://127.0.0.1:${receiver.port}/`), addresses: [{ address: '127.0.0.1', family: 4 }], headers: {}, body: '{}', timeoutMs: 5_000 }),
      /ECONNREFUSED/,
    );
  });

  it('over https, names the URL\'s host to the checked address (SNI) and refuses a certificate it cannot verify', async () => {
    const named: string[] = [];
    const context = tls.createSecureContext({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT });
    const srv = https.createServer({ SNICallback: (name, done) => (named.push(name), done(null, context)) }, (_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise((resolve) => srv.close(() => resolve())) });
    const port = (srv.address() as AddressInfo).port;
    await assert.rejects(
      pinnedHttpTransport({ url: new URL(`https://hooks.switchboard.invalid:${port}/in`), addresses: [{ address: '127.0.0.1', family: 4 }], headers: {}, body: '{}', timeoutMs: 5_000 }),
      /self-signed certificate/,
    );
    assert.deepEqual(named, ['hooks.switchboard.invalid']);
  });
});
