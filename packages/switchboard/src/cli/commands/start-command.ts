import { createHub } from '../../hub.ts';
import { createLogger } from '../../logging/logger.ts';
import { EXIT_OK, UsageError } from '../cli-error.ts';
import { parseFlags, type Command } from '../command.ts';
import { loadConfig } from '../load-config.ts';
import { onShutdownSignals } from '../shutdown-signals.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the hub: HTTP API, jobs and the Discord connection',
  help: `Usage: switchboard start

Runs Switchboard with the configuration from the environment (and ./.env when present).
DISCORD_TOKEN is required; to try Switchboard without a Discord bot, run \`npm run sandbox\`.
Migrations are applied before the server starts. SIGINT or SIGTERM stops it gracefully
(requests and job runs in flight finish); a second signal stops it at once.

Exit codes: 0 stopped cleanly, 1 runtime failure, 2 configuration error.`,
  async run(args, io) {
    parseFlags(args, {});
    const config = loadConfig(io.env);
    if (!config.discordToken) {
      throw new UsageError(
        'DISCORD_TOKEN is not set. Set it to your bot token (Developer Portal → your application → Bot), ' +
          'or try Switchboard without a Discord bot: npm run sandbox',
      );
    }
    const logger = createLogger({ level: config.logLevel, instanceId: config.instanceId });
    const hub = await createHub(config, logger);
    const stopped = onShutdownSignals({ stop: () => hub.stop(), timeoutMs: config.shutdownTimeoutMs, logger });
    await hub.start();
    return (await stopped) ?? EXIT_OK;
  },
};
