/** Reads `.env` (when present) under the real environment, then validates; a bad configuration is a usage error. */
import { existsSync } from 'node:fs';
import { formatConfigProblems, parseEnvironment, type Config } from '../config/environment.ts';
import { UsageError } from './cli-error.ts';

export function loadDotEnv(env: Record<string, string | undefined>, file = '.env'): void {
  if (env === process.env && existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  loadDotEnv(env);
  const result = parseEnvironment(env);
  if (!result.ok) throw new UsageError(formatConfigProblems(result.problems));
  return result.config;
}
