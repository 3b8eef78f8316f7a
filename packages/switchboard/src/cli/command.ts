/** What every CLI command provides: its name, a one-line summary, its help text and how to run it. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.ts';

export type CommandIo = {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
};

export type Command = {
  name: string;
  summary: string;
  help: string;
  run(args: string[], io: CommandIo): Promise<number>;
};

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses flags strictly; an unknown flag or a missing value is a usage error naming the flag. */
export function parseFlags<T extends Options>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
