import { formatResults, runChecks } from '../../doctor/doctor-check.ts';
import { foundationChecks } from '../../doctor/foundation-checks.ts';
import { EXIT_FAILURE, EXIT_OK } from '../cli-error.ts';
import { parseFlags, type Command } from '../command.ts';
import { loadDotEnv } from '../load-config.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check that this machine and configuration are ready to run Switchboard',
  help: `Usage: switchboard doctor [--json]

Checks the runtime, the configuration, the database and its migrations, Redis (when configured)
and the public URL, and prints a pass/fail table with what to do for each failure.

Exit codes: 0 ready (warnings allowed), 1 a check failed.`,
  async run(args, io) {
    const { values } = parseFlags(args, { json: { type: 'boolean' } });
    loadDotEnv(io.env);
    const results = await runChecks(foundationChecks(io.env));
    io.out(values.json ? `${JSON.stringify(results, null, 2)}\n` : formatResults(results));
    return results.some((r) => r.status === 'fail') ? EXIT_FAILURE : EXIT_OK;
  },
};
