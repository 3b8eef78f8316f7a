import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { generateApiToken } from '../../auth/api-token.ts';
import { formatConfigProblems, parseEnvironment } from '../../config/environment.ts';
import { createHub } from '../../hub.ts';
import { createLogger } from '../../logging/logger.ts';
import { ApiTokenRepository } from '../../storage/api-token-repository.ts';
import { EXIT_OK, UsageError } from '../cli-error.ts';
import { parseFlags, type Command } from '../command.ts';
import { onShutdownSignals } from '../shutdown-signals.ts';

/** A token in Discord's shape for the simulated bot; it is only ever valid against the local simulator. */
const SANDBOX_BOT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.Gsandb.switchboard-sandbox-simulated-bot-token';

/** A port flag's value; `lowest` 0 lets the system pick a free port. */
function port(value: string | undefined, fallback: number, flag: string, lowest: 0 | 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < lowest || n > 65535) throw new UsageError(`${flag} must be a port number (${lowest}–65535), got "${value}"`);
  return n;
}

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Try Switchboard without Discord: the hub against a local Discord simulator',
  help: `Usage: switchboard sandbox [--port 3000] [--sim-port 3001] [--data ./data/sandbox]

Starts the Discord simulator with a demo guild ("Switchboard Demo": channels, roles, a dozen members)
and Switchboard connected to it, with SQLite under the data folder, and prints both addresses, the
dashboard's address and an admin API token. "Sign in with Discord" on the dashboard goes to the
simulator's sign-in page, where any simulated member can be chosen. Open the simulator's address in a browser to post as a member, run the bot's slash
commands and click its buttons. The simulator keeps everything in memory, so each sandbox starts
fresh (the data folder is emptied). Ctrl-C stops both.

Options:
  --port N       the hub's HTTP port (default 3000)
  --sim-port N   the simulator's port (default 3001; 0 picks a free one)
  --data DIR     the hub's data folder (default ./data/sandbox)`,
  async run(args, io) {
    const { values } = parseFlags(args, { port: { type: 'string' }, 'sim-port': { type: 'string' }, data: { type: 'string' } });
    // The hub's own address is in links it makes (PUBLIC_URL), so it needs its port before it starts.
    const hubPort = port(values.port, 3000, '--port', 1);
    const simPort = port(values['sim-port'], 3001, '--sim-port', 0);
    const dataDir = path.resolve(values.data ?? './data/sandbox');

    const { startSimulator, seedDemoGuild } = await import('discord-sim');
    const sim = await startSimulator({ port: simPort, seedDemoGuild: false, application: { name: 'Switchboard Sandbox', token: SANDBOX_BOT_TOKEN } });
    const demo = seedDemoGuild(sim);
    const parsed = parseEnvironment({
      LOG_LEVEL: 'warn',
      ...io.env,
      DISCORD_TOKEN: SANDBOX_BOT_TOKEN,
      DISCORD_API_URL: sim.apiBase,
      // "Sign in with Discord" (and /link discord) go to the simulator's OAuth2 sign-in page.
      DISCORD_CLIENT_ID: sim.clientId,
      DISCORD_CLIENT_SECRET: sim.clientSecret,
      DISCORD_OAUTH_URL: `${sim.url}/oauth2`,
      DATABASE_URL: `sqlite:${path.join(dataDir, 'switchboard.db')}`,
      PORT: String(hubPort),
      PUBLIC_URL: io.env.PUBLIC_URL ?? `http://localhost:${hubPort}`,
      GATEWAY_RECONNECT_BASE_MS: io.env.GATEWAY_RECONNECT_BASE_MS ?? '500',
      // The sandbox starts empty each time, so a fresh key each time is all it needs (and no key file to warn about).
      ENCRYPTION_KEYS: io.env.ENCRYPTION_KEYS ?? `sandbox:${randomBytes(32).toString('base64')}`,
      // Apps tried out next to the sandbox listen on this machine.
      APP_CALLBACKS_ALLOW_LOOPBACK: io.env.APP_CALLBACKS_ALLOW_LOOPBACK ?? 'true',
    });
    if (!parsed.ok) {
      await sim.close();
      throw new UsageError(formatConfigProblems(parsed.problems));
    }
    const config = { ...parsed.config, port: hubPort };
    rmSync(dataDir, { recursive: true, force: true });
    const logger = createLogger({ level: config.logLevel, instanceId: config.instanceId });
    const hub = await createHub(config, logger);
    const stopped = onShutdownSignals({
      stop: async () => {
        io.err('\nStopping the sandbox…\n');
        await hub.stop();
        await sim.close();
      },
      timeoutMs: config.shutdownTimeoutMs,
      logger,
    });
    const material = generateApiToken();
    await new ApiTokenRepository(hub.database.db).create({ id: material.id, name: 'sandbox-admin', role: 'admin', tokenHash: material.hash, now: Date.now() });
    const address = await hub.start();
    const hubUrl = address.replace('127.0.0.1', 'localhost');
    io.out(`
Switchboard sandbox is running.

  Simulated Discord   ${sim.url.replace('127.0.0.1', 'localhost')}    open it in a browser: post, run /help, click buttons
  Switchboard         ${hubUrl}    (API, health: ${hubUrl}/ready)
  Dashboard           ${hubUrl}/    "Sign in with Discord" picks a simulated member; or sign in with the token below
  Admin API token     ${material.token}

  curl -H "Authorization: Bearer ${material.token}" ${hubUrl}/api/v1/status

Demo guild "Switchboard Demo" (${demo.guildId}); data in ${dataDir}. Press Ctrl-C to stop.
`);
    return (await stopped) ?? EXIT_OK;
  },
};
