/**
 * Override files: `<dir>/<guildId>.json`, for teams that keep their guilds' configuration in git. Each file
 * is read and checked on its own; a mistake is reported with the file, the setting's path and the problem,
 * and never stops the others (nor the hub) from loading.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkOverride } from './guild-config-validation.ts';

export type OverrideFileProblem = { file: string; guildId: string | null; path: string; problem: string };

export type OverrideFile = { guildId: string; file: string; hash: string; overrides: Record<string, unknown> };

export type OverrideFilesRead = { valid: OverrideFile[]; problems: OverrideFileProblem[] };

const FILE_NAME = /^(\d{17,20})\.json$/;
const MAX_FILE_BYTES = 256 * 1024;

export async function readOverrideFiles(dir: string): Promise<OverrideFilesRead> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { valid: [], problems: [] };
    return { valid: [], problems: [{ file: dir, guildId: null, path: '', problem: `cannot be read: ${(error as Error).message}` }] };
  }
  const valid: OverrideFile[] = [];
  const problems: OverrideFileProblem[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    const guildId = FILE_NAME.exec(name)?.[1] ?? null;
    if (guildId === null) {
      problems.push({ file, guildId: null, path: '', problem: 'the file name must be the guild id followed by .json (e.g. 123456789012345678.json)' });
      continue;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ file, guildId, path: '', problem: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
      problems.push({ file, guildId, path: '', problem: `is larger than ${MAX_FILE_BYTES / 1024} KiB` });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      problems.push({ file, guildId, path: '', problem: `is not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const check = checkOverride(parsed);
    if (!check.ok) {
      for (const issue of check.issues) problems.push({ file, guildId, path: issue.path, problem: issue.message });
      continue;
    }
    valid.push({ guildId, file, hash: createHash('sha256').update(text).digest('hex'), overrides: parsed as Record<string, unknown> });
  }
  return { valid, problems };
}

/** The problems as lines a person can act on. */
export function formatOverrideFileProblems(problems: readonly OverrideFileProblem[]): string[] {
  return problems.map((p) => `${p.file}${p.path === '' ? '' : ` at ${p.path}`}: ${p.problem}`);
}
