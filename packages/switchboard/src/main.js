#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The `switchboard` command. Plain JavaScript on purpose: Node reads it without loading its TypeScript
 * stripper, and it turns on Node's compile cache before anything else is imported. The compiled,
 * type-stripped modules are then kept on disk (`NODE_COMPILE_CACHE`, or a folder in the system's
 * temporary directory; `NODE_DISABLE_COMPILE_CACHE=1` turns it off), so that every start after the first
 * imports the hub in about half the time, and without the stripper in memory at all (~13 MB). The command
 * line is imported only then: a static import would be loaded before the cache is on.
 *
 * Node starts with `--max-semi-space-size=4` (here, in package.json's scripts, in the Docker image's
 * ENTRYPOINT): V8's young generation stays at 8 MB instead of growing to 64 MB while the modules load and
 * the guilds arrive, and never giving the memory back (about 28 MB less after READY with 1,000 guilds,
 * for about 10 % of peak event throughput; docs/performance.md).
 */
import module from 'node:module';

module.enableCompileCache();
const { runFromProcess } = await import('./cli/cli-main.ts');
await runFromProcess();
