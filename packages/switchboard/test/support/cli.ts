/** Runs the real `switchboard` command in a temporary folder with a clean environment. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export function tempFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'switchboard-cli-'));
}

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env), encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function spawnCli(args: string[], options: { cwd: string; env?: Record<string, string> }): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env) });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves with the first JSON log line whose msg matches, collecting everything seen. */
export function waitForLog(child: ChildProcessWithoutNullStreams, message: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no "${message}" log line within ${timeoutMs} ms; saw:\n${buffer}`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === message) {
          clearTimeout(timer);
          resolve(entry);
          return;
        }
      }
    });
  });
}

export function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, ms: performance.now() - started })));
}

/** Like runCli, but without blocking this process: needed when the command talks to a server running in the test. */
export async function runCliAsync(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const { code } = await exitOf(child);
  return { code, stdout, stderr };
}
