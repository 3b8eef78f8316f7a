/**
 * The Node flags `switchboard` starts with, read from the first line of its entry point
 * (`#!/usr/bin/env -S node <flags>`), so that the scenarios run the hub the way it runs for its users.
 * package.json's scripts and the Docker image start it with the same flags (a test keeps them in step).
 */
import { readFileSync } from 'node:fs';

export const SWITCHBOARD_MAIN_URL = new URL('../../packages/switchboard/src/main.js', import.meta.url);

/** The flags after `node` on the entry point's `#!` line. */
export function switchboardNodeFlags(): string[] {
  const [shebang = ''] = readFileSync(SWITCHBOARD_MAIN_URL, 'utf8').split('\n', 1);
  const match = /^#!\S*env -S node((?: --?\S+)*)\s*$/.exec(shebang);
  if (!match) throw new Error(`the first line of ${SWITCHBOARD_MAIN_URL.pathname} is not "#!/usr/bin/env -S node <flags>": ${shebang}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}
