/** The `switchboard` command line: the commands, their help, and running one (src/main.js is the entry point). */
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './cli-error.ts';
import type { Command, CommandIo } from './command.ts';
import { doctorCommand } from './commands/doctor-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { sandboxCommand } from './commands/sandbox-command.ts';
import { startCommand } from './commands/start-command.ts';
import { tokenCommand } from './commands/token-command.ts';
import { keysCommand } from './commands/keys-command.ts';
import { backupCommand } from './commands/backup-command.ts';
import { SWITCHBOARD_VERSION } from '../hub.ts';

export const commands: Command[] = [startCommand, sandboxCommand, migrateCommand, doctorCommand, tokenCommand, keysCommand, backupCommand];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Switchboard ${SWITCHBOARD_VERSION}: one Discord bot connection serving many applications.

Usage: switchboard <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`switchboard <command> --help\` for a command's options.
Configuration comes from the environment (and ./.env); see .env.example.`;
}

export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === args[0]) : undefined;
    io.out(`${topic ? topic.help : overview()}\n`);
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${SWITCHBOARD_VERSION}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${overview()}\n`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.help}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`switchboard ${command.name}: ${error.message}\n${error.message.endsWith('\n') ? '' : '\n'}Run \`switchboard ${command.name} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    io.err(`switchboard ${command.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

/** Runs the command named by this process's arguments and sets its exit code. */
export async function runFromProcess(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
  process.exitCode = code;
  // Everything is closed by now; should a stray handle remain, it must not keep a finished command alive.
  setTimeout(() => process.exit(code), 500).unref();
}
