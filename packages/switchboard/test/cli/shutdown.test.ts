import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { exitOf, freePort, runCli, spawnCli, tempFolder, waitForLog } from '../support/cli.ts';
import { SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';

let sim: TestSimulator;

/** Sends the head of a request and half its body, and resolves with the raw response once the rest is sent. */
function slowRequest(port: number, token: string, body: string) {
  const socket = net.connect(port, '127.0.0.1');
  let response = '';
  socket.on('data', (chunk) => (response += chunk.toString()));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const ended = new Promise<string>((resolve) => socket.once('close', () => resolve(response)));
  const half = Math.floor(body.length / 2);
  return {
    async start() {
      await connected;
      socket.write(`POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`);
      socket.write(body.slice(0, half));
    },
    finish() {
      socket.write(body.slice(half));
      return ended;
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A folder with a database holding an admin token, and a running `switchboard start` on it. */
async function startedHub() {
  const cwd = tempFolder();
  const port = await freePort();
  const env = { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, PORT: String(port), DATABASE_URL: `sqlite:${path.join(cwd, 'db.sqlite')}` };
  const token = runCli(['token', 'create', '--name', 'ops', '--role', 'admin'], { cwd, env }).stdout.trim();
  const child = spawnCli(['start'], { cwd, env });
  const exited = exitOf(child);
  await waitForLog(child, 'switchboard is listening');
  return { child, exited, port, token };
}

describe('graceful shutdown of switchboard start', () => {
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.close());

  it('SIGTERM: stops accepting, finishes the request in flight, exits 0', async () => {
    const { child, exited, port, token } = await startedHub();

    const request = slowRequest(port, token, JSON.stringify({ name: 'late', role: 'viewer' }));
    const received = waitForLog(child, 'incoming request');
    await request.start();
    await received; // the server is inside the request, so it is in flight rather than an idle connection
    const shuttingDown = waitForLog(child, 'shutting down: no new requests, finishing work in flight');
    child.kill('SIGTERM');
    await shuttingDown;
    assert.equal(await canConnect(port), false, 'new connections are refused while draining');
    const response = await request.finish();
    assert.match(response, /^HTTP\/1\.1 201 /);
    assert.match(response, /"name":"late"/);
    const { code, ms } = await exited;
    assert.equal(code, 0);
    assert.ok(ms < 10_000, `exited after ${ms} ms`);
  });

  it('a second signal exits at once', async () => {
    const { child, exited, port, token } = await startedHub();
    const request = slowRequest(port, token, JSON.stringify({ name: 'never', role: 'viewer' }));
    const received = waitForLog(child, 'incoming request');
    await request.start();
    await received; // the server is inside the request, so it is in flight rather than an idle connection
    const shuttingDown = waitForLog(child, 'shutting down: no new requests, finishing work in flight');
    child.kill('SIGINT');
    await shuttingDown;
    child.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 130);
  });
});
