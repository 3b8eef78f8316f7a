import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { exitOf, freePort, runCli, spawnCli, tempFolder } from '../support/cli.ts';

function waitForOutput(child: ReturnType<typeof spawnCli>, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; saw:\n${output}`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
  });
}

describe('switchboard sandbox', () => {
  it('starts the simulator and the hub connected to it, prints both addresses and a token, and stops on Ctrl-C', async () => {
    const cwd = tempFolder();
    const [hubPort, simPort] = [await freePort(), await freePort()];
    const child = spawnCli(['sandbox', '--port', String(hubPort), '--sim-port', String(simPort), '--data', path.join(cwd, 'sandbox')], { cwd });
    const exited = exitOf(child);
    const output = await waitForOutput(child, /Press Ctrl-C to stop/);
    assert.match(output, new RegExp(`Simulated Discord\\s+http://localhost:${simPort}`));
    assert.match(output, new RegExp(`Switchboard\\s+http://localhost:${hubPort}`));
    const token = /Admin API token\s+(sbt_\S+)/.exec(output)?.[1];
    assert.ok(token);

    let status: { ready: boolean; guilds: number } | undefined;
    for (let i = 0; i < 100 && !status?.ready; i++) {
      const response = await fetch(`http://127.0.0.1:${hubPort}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
      status = (await response.json()).data;
      if (!status?.ready) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status?.ready, true);
    assert.equal(status?.guilds, 1);
    const page = await fetch(`http://127.0.0.1:${simPort}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);

    child.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 0);
  });

  it('refuses a port it cannot use before starting anything, naming the flag', () => {
    const cwd = tempFolder();
    for (const [flag, value, range] of [['--port', '0', '1–65535'], ['--port', '70000', '1–65535'], ['--sim-port', 'x', '0–65535']] as const) {
      const { code, stderr } = runCli(['sandbox', flag, value], { cwd });
      assert.equal(code, 2, `${flag} ${value}`);
      assert.ok(stderr.includes(`${flag} must be a port number (${range}), got "${value}"`), stderr);
    }
  });
});
