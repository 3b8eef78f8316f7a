/**
 * Starts a TypeScript worker the way `switchboard` starts (packages/switchboard/src/main.js): from plain
 * JavaScript, with Node's compile cache turned on before anything is imported, so that a warm cache
 * spares the process Node's TypeScript stripper. Usage: `node launch.js <worker.ts> [args…]`; the worker
 * sees its own arguments from `process.argv[2]` as if started directly.
 */
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

module.enableCompileCache();
const [, , worker, ...rest] = process.argv;
if (!worker) {
  process.stderr.write('usage: node launch.js <worker.ts> [args…]\n');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(worker), ...rest];
await import(pathToFileURL(path.resolve(worker)).href);
