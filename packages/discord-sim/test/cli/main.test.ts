import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

function run(args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('discord-sim --help exits 0; an unknown flag or a bad port exits 2', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--no-rate-limits/);
  assert.equal((await run(['--bogus'])).code, 2);
  assert.equal((await run(['--port', 'abc'])).code, 2);
});

test('discord-sim prints its URLs, serves the demo guild and stops cleanly on SIGTERM', async () => {
  let checked: Promise<number> | undefined;
  const result = await run(['--port', '0', '--demo'], (text, child) => {
    const url = /listening on (http:\/\/\S+)/.exec(text)?.[1];
    if (!url || checked) return;
    checked = fetch(`${url}/_sim/guilds`)
      .then((res) => res.json() as Promise<Array<{ name: string }>>)
      .then((guilds) => guilds.filter((g) => g.name === 'Switchboard Demo').length)
      .finally(() => child.kill('SIGTERM'));
  });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /gateway\s+ws:\/\/127\.0\.0\.1:\d+/);
  assert.equal(await checked, 1);
});
