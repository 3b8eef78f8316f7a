/** Where the deployment files are, and how they are read: YAML as Docker Compose reads it (with `!reset`). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type ScalarTag, type CollectionTag } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');

export const repoPath = (...parts: string[]) => path.join(REPO_ROOT, ...parts);
export const deployPath = (...parts: string[]) => path.join(DEPLOY_DIR, ...parts);

/** Compose's `!reset` (an override file clearing a value of the file before it): kept as a marked empty value. */
export const RESET = Symbol('compose !reset');
const resetTags: (ScalarTag | CollectionTag)[] = [
  { tag: '!reset', collection: 'seq', resolve: () => ({ [RESET]: true }) } as unknown as CollectionTag,
  { tag: '!reset', collection: 'map', resolve: () => ({ [RESET]: true }) } as unknown as CollectionTag,
  { tag: '!reset', resolve: () => ({ [RESET]: true }) } as ScalarTag,
];

export const isReset = (value: unknown): boolean => typeof value === 'object' && value !== null && RESET in value;

/** Parses a YAML file, failing on any error or warning (an unknown tag, a duplicate key) instead of guessing. */
export function readYaml(file: string): unknown {
  const document = parseDocument(readFileSync(file, 'utf8'), { customTags: resetTags, uniqueKeys: true, prettyErrors: true });
  const problems = [...document.errors, ...document.warnings].map((problem) => problem.message);
  if (problems.length > 0) throw new Error(`${path.relative(REPO_ROOT, file)} is not valid YAML:\n${problems.join('\n')}`);
  return document.toJS();
}
