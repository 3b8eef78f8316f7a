import { openDatabase } from '../../storage/database.ts';
import { pendingMigrations, runMigrations } from '../../storage/migrator.ts';
import { EXIT_OK } from '../cli-error.ts';
import { parseFlags, type Command } from '../command.ts';
import { loadConfig } from '../load-config.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (or list them with --status)',
  help: `Usage: switchboard migrate [--status]

Applies every pending migration to DATABASE_URL, each in its own transaction. Running it again
when nothing is pending does nothing. \`switchboard start\` applies migrations too.

Options:
  --status   list pending migrations without applying them
  --help     show this help`,
  async run(args, io) {
    const { values } = parseFlags(args, { status: { type: 'boolean' } });
    const config = loadConfig(io.env);
    const database = openDatabase(config.databaseUrl);
    try {
      io.out(`Database: ${database.description}\n`);
      if (values.status) {
        const pending = await pendingMigrations(database);
        io.out(pending.length === 0 ? 'Up to date: no pending migrations.\n' : `Pending (${pending.length}):\n${pending.map((id) => `  - ${id}\n`).join('')}`);
        return EXIT_OK;
      }
      const report = await runMigrations(database, undefined, (id, ms) => io.out(`  ✔ ${id} (${Math.round(ms)} ms)\n`));
      io.out(
        report.applied.length === 0
          ? `Up to date: all ${report.total} migrations were already applied.\n`
          : `Applied ${report.applied.length} migration(s); ${report.total} in all.\n`,
      );
      return EXIT_OK;
    } finally {
      await database.close();
    }
  },
};
