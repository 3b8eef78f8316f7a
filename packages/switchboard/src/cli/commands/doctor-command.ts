import { formatResults, runChecks } from '../../doctor/doctor-check.ts';
import { foundationChecks } from '../../doctor/foundation-checks.ts';
import { discordChecks } from '../../doctor/discord-checks.ts';
import { encryptionKeysCheck } from '../../doctor/key-checks.ts';
import { migrationsCheck } from '../../doctor/migration-checks.ts';
import { oauthChecks } from '../../doctor/oauth-checks.ts';
import { openDatabase } from '../../storage/database.ts';
import { parseEnvironment } from '../../config/environment.ts';
import { builtInModules } from '../../modules/built-in-modules.ts';
import { CONFIG_MODULE_DECLARATION } from '../../modules/config/config-module.ts';
import { BROKER_MODULE_DECLARATION } from '../../broker/broker-module.ts';
import { TICKETS_MODULE_DECLARATION } from '../../modules/tickets/tickets-module.ts';
import { ATTENDANCE_MODULE_DECLARATION } from '../../modules/attendance/attendance-module.ts';
import { LINKING_MODULE_DECLARATION } from '../../modules/linking/linking-module.ts';
import { STREAMS_MODULE_DECLARATION } from '../../modules/streams/streams-module.ts';
import { MEETINGS_MODULE_DECLARATION } from '../../modules/meetings/meetings-module.ts';
import { EXIT_FAILURE, EXIT_OK } from '../cli-error.ts';
import { parseFlags, type Command } from '../command.ts';
import { loadDotEnv } from '../load-config.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check that this machine and configuration are ready to run Switchboard',
  help: `Usage: switchboard doctor [--json]

Checks the runtime, the configuration (every problem named with its variable), the database and
its migrations (pending ones, and ones from a newer version), the encryption keys (and stored
secrets sealed with a key no longer configured), Redis (when configured), the guild override
files, the public URL's format, each configured OAuth provider (client id and secret as a pair,
an https redirect URL, its token endpoint reachable), and Discord: the token, the privileged
intents the modules need, the guilds the bot is in and its permissions there. Prints a pass/fail
table with what to do for each failure. Each check gives up after a few seconds, so doctor never
hangs. Doctor only reads: it applies no migration and creates no key.

Options:
  --json   print the results as JSON (name, status, detail, fix) instead of the table

Exit codes: 0 ready (warnings allowed), 1 a check failed.`,
  async run(args, io) {
    const { values } = parseFlags(args, { json: { type: 'boolean' } });
    loadDotEnv(io.env);
    const parsed = parseEnvironment(io.env);
    const config = parsed.ok ? parsed.config : undefined;
    // Doctor only reads what the modules declare; it never runs them.
    const modules = builtInModules({ commands: () => [], status: () => { throw new Error('not running'); }, config: CONFIG_MODULE_DECLARATION, broker: BROKER_MODULE_DECLARATION, tickets: TICKETS_MODULE_DECLARATION, attendance: ATTENDANCE_MODULE_DECLARATION, linking: LINKING_MODULE_DECLARATION, streams: STREAMS_MODULE_DECLARATION, meetings: MEETINGS_MODULE_DECLARATION });
    const opened = config ? openDatabase(config.databaseUrl) : undefined;
    // The checks that read the database ask whether it answers once between them (a dead server costs one timeout).
    let pinged: Promise<void> | undefined;
    const database = opened && { ...opened, ping: () => (pinged ??= opened.ping()) };
    let results;
    try {
      const foundation = foundationChecks(io.env);
      // The database's own checks come right after the connection check.
      const afterDatabase = foundation.findIndex((check) => check.name === 'Database') + 1;
      results = await runChecks([
        ...foundation.slice(0, afterDatabase),
        migrationsCheck(database),
        encryptionKeysCheck(config, database),
        ...foundation.slice(afterDatabase),
        ...oauthChecks(io.env, config),
        ...discordChecks(config, modules),
      ]);
    } finally {
      await opened?.close();
    }
    io.out(values.json ? `${JSON.stringify(results, null, 2)}\n` : formatResults(results));
    return results.some((r) => r.status === 'fail') ? EXIT_FAILURE : EXIT_OK;
  },
};
