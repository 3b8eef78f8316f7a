import { resolveEncryptionKeys } from '../../security/encryption-keys.ts';
import { ReencryptionError, reencryptAll } from '../../security/key-rotation.ts';
import { SEALED_COLUMNS } from '../../security/sealed-columns.ts';
import { generateEncryptionKey, SecretBox } from '../../security/secret-box.ts';
import { openDatabase } from '../../storage/database.ts';
import { runMigrations } from '../../storage/migrator.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli-error.ts';
import { parseFlags, type Command, type CommandIo } from '../command.ts';
import { loadConfig } from '../load-config.ts';

const KEY_ID_PATTERN = /^[\w-]{1,32}$/;

const HELP = `Usage: switchboard keys <rotate|generate> [options]

Manages the keys for secrets at rest (ENCRYPTION_KEYS: id:base64 pairs, the first encrypts, all decrypt).

  switchboard keys generate [--id <id>]
      Prints a new key line id:base64. Put it first in ENCRYPTION_KEYS and keep the old keys after it.

  switchboard keys rotate
      Re-encrypts every stored secret (${SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).join(', ')})
      with the first key of ENCRYPTION_KEYS (or of the key file next to a SQLite database), in batches,
      each in a transaction. Values already under that key are left alone; running it again is safe.
      Give every running instance the new ENCRYPTION_KEYS first, since they must read the new values.
      Afterwards the old keys are no longer needed by stored values and may be removed.
      Exits 1 when a value cannot be decrypted, naming its table, column and row.

Options:
  --id <id>  (generate) the key id: 1–32 letters, digits, - or _ (default key-YYYYMMDD)
  --help     show this help`;

async function rotate(args: string[], io: CommandIo): Promise<number> {
  parseFlags(args, {});
  const config = loadConfig(io.env);
  const database = openDatabase(config.databaseUrl);
  try {
    io.out(`Database: ${database.description}\n`);
    await runMigrations(database);
    const keys = resolveEncryptionKeys(config);
    const box = new SecretBox(keys.keys);
    io.out(`Active key: ${box.activeKeyId} (from ${keys.source === 'environment' ? 'ENCRYPTION_KEYS' : keys.file})\n`);
    let results;
    try {
      results = await reencryptAll(database.db, box);
    } catch (error) {
      if (!(error instanceof ReencryptionError)) throw error;
      io.err(
        `switchboard keys rotate: ${error.message}\n` +
          'Values before it were re-encrypted and stay so. Add the key that value names to ENCRYPTION_KEYS (after the first) and run it again.\n',
      );
      return EXIT_FAILURE;
    }
    const width = Math.max(...results.map((r) => `${r.table}.${r.column}`.length));
    for (const r of results) {
      io.out(`  ${`${r.table}.${r.column}`.padEnd(width)}  ${r.reencrypted} re-encrypted, ${r.alreadyActive} already under ${box.activeKeyId}\n`);
    }
    const total = results.reduce((sum, r) => sum + r.reencrypted, 0);
    io.out(`Done: ${total} value(s) re-encrypted; every stored secret is now under key ${box.activeKeyId}.\n`);
    return EXIT_OK;
  } finally {
    await database.close();
  }
}

function generate(args: string[], io: CommandIo): number {
  const { values } = parseFlags(args, { id: { type: 'string' } });
  const id = values.id ?? `key-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
  if (!KEY_ID_PATTERN.test(id)) throw new UsageError('--id must be 1–32 letters, digits, - or _');
  const key = generateEncryptionKey(id);
  io.err('A new key for ENCRYPTION_KEYS: put it first, keep the current keys after it, then run `switchboard keys rotate`.\n');
  io.out(`${key.id}:${key.key.toString('base64')}\n`);
  return EXIT_OK;
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Rotate the encryption keys of secrets at rest, or generate a new key',
  help: HELP,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'rotate') return rotate(rest, io);
    if (sub === 'generate') return generate(rest, io);
    throw new UsageError(sub === undefined ? 'a subcommand is needed: rotate or generate' : `unknown subcommand "${sub}": use rotate or generate`);
  },
};
