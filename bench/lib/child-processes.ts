/**
 * Child processes for the scenarios: Node scripts spawned with an IPC channel, waiting for a line on
 * their output or a message, asking them questions, and stopping them (SIGTERM, then SIGKILL). Also a
 * free loopback port for a child that must be told its port in advance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export type NodeChild = {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the child exits first or on timeout. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends a message over IPC and resolves with the first answer whose `type` is `answerType`. */
  ask<T extends { type: string }>(message: { type: string } & Record<string, unknown>, answerType: string, timeoutMs?: number): Promise<T>;
  /** Resolves with the next IPC message of this type. */
  next<T extends { type: string }>(type: string, timeoutMs?: number): Promise<T>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
};

/** Children still running; killed if this process exits first (a crashed run must not leave them behind). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export type SpawnOptions = { env?: Record<string, string>; nodeArgs?: string[]; cwd?: string };

export function spawnNode(script: string, args: readonly string[] = [], options: SpawnOptions = {}): NodeChild {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  });
  running.add(child);
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    // Only the tail matters for matching and error messages; a chatty child must not grow this forever.
    text = (text + chunk.toString()).slice(-64 * 1024);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    running.delete(child);
    for (const listener of listeners) listener();
  });

  const failure = (what: string) => new Error(`${what} (${script}); its output:\n${text.slice(-2000)}`);

  function waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(text);
        if (match) return finish(() => resolve(match));
        if (gone) return finish(() => reject(failure(`exited before printing ${pattern}`)));
      };
      const timer = setTimeout(() => finish(() => reject(failure(`printed no ${pattern} within ${timeoutMs} ms`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });
  }

  function next<T extends { type: string }>(type: string, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type) done(() => resolve(message as T));
      };
      const onExit = () => done(() => reject(failure(`exited while awaiting "${type}"`)));
      const timer = setTimeout(() => done(() => reject(failure(`sent no "${type}" within ${timeoutMs} ms`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        settle();
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }

  return {
    child,
    output: () => text,
    waitForOutput,
    next,
    ask(message, answerType, timeoutMs) {
      const answer = next<never>(answerType, timeoutMs);
      child.send(message);
      return answer;
    },
    exited,
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
