/**
 * `npm run docs:config`: writes `.env.example` and the variable table of docs/configuration.md from the
 * declarations in packages/switchboard/src/config/environment.ts, so that neither drifts from the code
 * (a test fails when they do).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { environmentVariables, type EnvironmentVariable } from '../packages/switchboard/src/config/environment.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = Object.entries(environmentVariables) as [string, EnvironmentVariable][];

let example = `# Switchboard configuration. Copy to .env (read by the switchboard command) or set in the environment.
# Every variable is optional except DISCORD_TOKEN for \`switchboard start\`; a commented line shows the default.
# Secrets (marked) belong in the environment or a secret store, never in git.
`;
for (const [name, spec] of entries) {
  example += `\n# ${spec.description}${spec.secret ? ' (secret)' : ''}\n# Example: ${name}=${spec.example}\n# ${name}=${spec.default ?? ''}\n`;
}
writeFileSync(`${root}.env.example`, example);

const table = [
  '| Variable | Default | Description |',
  '|---|---|---|',
  ...entries.map(([name, spec]) => `| \`${name}\` | ${spec.default !== undefined ? `\`${spec.default}\`` : '—'} | ${spec.description}${spec.secret ? ' **Secret.**' : ''} |`),
].join('\n');
const docsPath = `${root}docs/configuration.md`;
const docs = readFileSync(docsPath, 'utf8');
const start = '<!-- variables:start -->';
const end = '<!-- variables:end -->';
const before = docs.slice(0, docs.indexOf(start) + start.length);
const after = docs.slice(docs.indexOf(end));
if (!docs.includes(start) || !docs.includes(end)) throw new Error(`${docsPath} lacks the ${start} … ${end} markers`);
writeFileSync(docsPath, `${before}\n${table}\n${after}`);
process.stdout.write(`wrote .env.example and the table in docs/configuration.md (${entries.length} variables)\n`);
