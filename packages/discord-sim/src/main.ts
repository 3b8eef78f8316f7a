#!/usr/bin/env node
/** The `discord-sim` command: runs a simulator until SIGINT or SIGTERM. */
import { parseArgs } from 'node:util';
import { startSimulator } from './index.ts';

const usage = `Usage: discord-sim [--port N] [--host H] [--no-rate-limits] [--demo]

Runs a local Discord API v10 and gateway simulator.

  --port N           port to listen on (default 3001; 0 picks a free port)
  --host H           address to bind (default 127.0.0.1)
  --no-rate-limits   disable the per-route and global REST rate limits
  --demo             create the "Switchboard Demo" guild
  --token T          the bot token (default sim-bot-token)
  -h, --help         show this help

Exit codes: 0 stopped cleanly, 1 failed to start, 2 bad arguments.
`;

function fail(message: string): never {
  process.stderr.write(`discord-sim: ${message}\n\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'no-rate-limits': { type: 'boolean' },
      demo: { type: 'boolean' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const port = values.port === undefined ? 3001 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port: ${values.port}`);

try {
  const sim = await startSimulator({
    port,
    host: values.host ?? '127.0.0.1',
    realisticRateLimits: !values['no-rate-limits'],
    seedDemoGuild: values.demo ?? false,
    application: values.token ? { token: values.token } : undefined,
  });
  process.stdout.write(
    [
      `discord-sim listening on ${sim.url}`,
      `  browser view  ${sim.url}/`,
      `  REST API      ${sim.apiBase}  (discord.js: rest: { api: '${sim.apiBase}' })`,
      `  gateway       ${sim.gatewayUrl}`,
      `  control API   ${sim.url}/_sim`,
      `  bot token     ${sim.botToken}`,
      `  OAuth2        ${sim.url}/oauth2  (client id ${sim.clientId}, client secret ${sim.clientSecret})`,
      `  application   ${sim.applicationId} (bot user ${sim.botUserId})`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`discord-sim: ${signal}, stopping\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  process.stderr.write(`discord-sim: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
