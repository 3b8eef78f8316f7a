import { existsSync } from 'node:fs';
import { keyFileOf } from '../../doctor/key-checks.ts';
import { sqlitePathOf } from '../../storage/database.ts';
import { backupFileName, BackupError, backupSqlite, defaultSqliteBackupPath, pgDumpPlan, runPgDump } from '../../storage/database-backup.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli-error.ts';
import { parseFlags, type Command, type CommandIo } from '../command.ts';
import { loadConfig } from '../load-config.ts';

const HELP = `Usage: switchboard backup [--out <file>] [--run]

SQLite: copies the database online, while the hub keeps running, with SQLite's backup API, to
--out (default <data dir>/backups/switchboard-<UTC timestamp>.sqlite), printing progress. The copy
becomes the backup only after PRAGMA integrity_check passed on it; the migration level it holds is
printed. An existing file is never overwritten.

PostgreSQL: prints the pg_dump command for DATABASE_URL (custom format, --no-owner; the password is
never printed: pass it as PGPASSWORD or in ~/.pgpass) and the matching pg_restore, and exits 0.
With --run, runs that pg_dump itself (it must be on PATH) to --out (default
./backups/switchboard-<UTC timestamp>.dump) and checks the archive with pg_restore --list.

The encryption keys are not in the backup: keep ENCRYPTION_KEYS (or the encryption-keys file
next to a SQLite database) safe as well, apart from the backup; without them the stored secrets
cannot be opened. docs/operations.md ("Backups and restore") describes the restore.

Options:
  --out <file>  where to write the backup (must not exist)
  --run         (PostgreSQL) run pg_dump instead of printing the command
  --help        show this help

Exit codes: 0 backed up (or recipe printed), 1 the backup failed, 2 usage or configuration error.`;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function backupSqliteCommand(databaseFile: string, out: string | undefined, io: CommandIo, keyFile: string | undefined): Promise<number> {
  let lastPercent = -1;
  const result = await backupSqlite(databaseFile, out ?? defaultSqliteBackupPath(databaseFile), {
    onProgress: ({ copiedPages, totalPages }) => {
      const percent = totalPages === 0 ? 100 : Math.floor((copiedPages / totalPages) * 100);
      if (percent === lastPercent) return;
      lastPercent = percent;
      io.out(`  copied ${percent}% (${copiedPages} of ${totalPages} pages)\n`);
    },
    onRetake: () => io.out('  the database changed during the copy: taking it again in one step\n'),
  });
  const level = result.migrations;
  io.out(`Integrity check of the copy: ok\n`);
  io.out(
    `Migration level: ${level.applied.length} applied${level.latest ? `, latest ${level.latest}` : ''}` +
      `${level.pending.length > 0 ? `; ${level.pending.length} of this version's not yet applied (migrate applies them after a restore)` : ''}` +
      `${level.unknown.length > 0 ? `; from a newer version: ${level.unknown.join(', ')}` : ''}\n`,
  );
  io.out(`Backup written: ${result.file} (${megabytes(result.bytes)}, ${result.pages} pages)\n`);
  if (keyFile) io.out(`Keep a copy of the key file ${keyFile} as well (not in the backup): the stored secrets need it.\n`);
  return EXIT_OK;
}

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Back up the database online (SQLite), or print/run the pg_dump recipe (PostgreSQL)',
  help: HELP,
  async run(args, io) {
    const { values } = parseFlags(args, { out: { type: 'string' }, run: { type: 'boolean' } });
    if (values.out === '') throw new UsageError('--out needs a file name');
    const config = loadConfig(io.env);
    try {
      const databaseFile = sqlitePathOf(config.databaseUrl);
      if (databaseFile !== undefined) {
        if (values.run) throw new UsageError('--run applies to PostgreSQL only: with SQLite, backup always copies the database itself');
        io.out(`Database: SQLite ${databaseFile}\n`);
        const keyFile = config.encryptionKeys || !existsSync(keyFileOf(databaseFile)) ? undefined : keyFileOf(databaseFile);
        return await backupSqliteCommand(databaseFile, values.out, io, keyFile);
      }
      const out = values.out ?? `backups/${backupFileName(new Date(), '.dump')}`;
      const plan = pgDumpPlan(config.databaseUrl, out);
      if (!values.run) {
        io.out('PostgreSQL: back up with pg_dump, where the database is reachable. The password is not shown:\n');
        io.out(`set PGPASSWORD to the one in DATABASE_URL${plan.env.PGPASSWORD === undefined ? ' (it has none)' : ''}, or put it in ~/.pgpass.\n\n  ${plan.display}\n\n`);
        io.out(`Restore into an empty database (or over this one: --clean drops what the archive holds first):\n\n  ${plan.restoreDisplay}\n\n`);
        io.out('Then run `switchboard migrate` and `switchboard doctor`. Or run `switchboard backup --run` to take the dump now.\n');
        return EXIT_OK;
      }
      io.out(`Running: ${plan.display}\n`);
      const result = await runPgDump(plan, out);
      io.out(`Archive checked with pg_restore --list: ${result.entries} entries\nBackup written: ${result.file} (${megabytes(result.bytes)})\n`);
      return EXIT_OK;
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
      io.err(`switchboard backup: ${error.message}\n`);
      return EXIT_FAILURE;
    }
  },
};

