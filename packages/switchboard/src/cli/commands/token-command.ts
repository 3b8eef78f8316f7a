import { API_TOKEN_ROLES, TOKEN_NAME_PATTERN, generateApiToken } from '../../auth/api-token.ts';
import { ApiTokenRepository } from '../../storage/api-token-repository.ts';
import { openDatabase } from '../../storage/database.ts';
import { runMigrations } from '../../storage/migrator.ts';
import type { ApiTokenRole } from '../../storage/schema.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli-error.ts';
import { parseFlags, type Command, type CommandIo } from '../command.ts';
import { loadConfig } from '../load-config.ts';

const HELP = `Usage: switchboard token <create|list|revoke> [options]

Manages API tokens for /api/v1. A token is printed once when it is created; only its SHA-256
is stored, so a lost token cannot be shown again: revoke it and create another.

  switchboard token create --name <name> --role <${API_TOKEN_ROLES.join('|')}>
  switchboard token list [--json]
  switchboard token revoke <id-or-name>

Roles: admin may do everything; viewer may read status and jobs.`;

async function withTokens<T>(io: CommandIo, work: (tokens: ApiTokenRepository) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const database = openDatabase(config.databaseUrl);
  try {
    await runMigrations(database);
    return await work(new ApiTokenRepository(database.db));
  } finally {
    await database.close();
  }
}

async function create(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(args, { name: { type: 'string' }, role: { type: 'string' } });
  const problems: string[] = [];
  if (!values.name) problems.push('--name is required (for example --name deploy-bot)');
  else if (!TOKEN_NAME_PATTERN.test(values.name)) problems.push('--name must be 1–64 letters, digits, dots, dashes or underscores');
  if (!values.role) problems.push(`--role is required: one of ${API_TOKEN_ROLES.join(', ')}`);
  else if (!(API_TOKEN_ROLES as readonly string[]).includes(values.role)) problems.push(`--role must be one of ${API_TOKEN_ROLES.join(', ')}`);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  const material = generateApiToken();
  const result = await withTokens(io, (tokens) =>
    tokens.create({ id: material.id, name: values.name!, role: values.role as ApiTokenRole, tokenHash: material.hash, now: Date.now() }),
  );
  if (!result.ok) {
    io.err(`A token named ${values.name} already exists. Choose another name, or revoke it first.\n`);
    return EXIT_FAILURE;
  }
  io.err(`Created token ${result.token.name} (role ${result.token.role}, id ${result.token.id}). It is shown once; store it now:\n`);
  io.out(`${material.token}\n`);
  return EXIT_OK;
}

async function list(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' } });
  const rows = await withTokens(io, (tokens) => tokens.list());
  if (values.json) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    io.out('No API tokens yet. Create one with: switchboard token create --name <name> --role admin\n');
    return EXIT_OK;
  }
  const date = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
  const table = [['NAME', 'ROLE', 'CREATED', 'LAST USED', 'STATUS', 'ID']].concat(
    rows.map((t) => [t.name, t.role, date(t.createdAt), date(t.lastUsedAt), t.revokedAt ? `revoked ${date(t.revokedAt)}` : 'active', t.id]),
  );
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  io.out(table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
  return EXIT_OK;
}

async function revoke(args: string[], io: CommandIo): Promise<number> {
  const { positionals } = parseFlags(args, {}, true);
  if (positionals.length !== 1) throw new UsageError('token revoke takes exactly one token id or name');
  const target = positionals[0]!;
  const revoked = await withTokens(io, (tokens) => tokens.revoke(target, Date.now()));
  if (!revoked) {
    io.err(`No active token has the id or name ${target}. See: switchboard token list\n`);
    return EXIT_FAILURE;
  }
  io.out(`Revoked token ${revoked.name} (${revoked.id}).\n`);
  return EXIT_OK;
}

const SUBCOMMANDS: Record<string, (args: string[], io: CommandIo) => Promise<number>> = { create, list, revoke };

export const tokenCommand: Command = {
  name: 'token',
  summary: 'Create, list and revoke API tokens',
  help: HELP,
  async run(args, io) {
    const [sub, ...rest] = args;
    const handler = sub ? SUBCOMMANDS[sub] : undefined;
    if (!handler) {
      throw new UsageError(sub ? `unknown token subcommand "${sub}": use create, list or revoke` : 'token needs a subcommand: create, list or revoke');
    }
    return handler(rest, io);
  },
};
