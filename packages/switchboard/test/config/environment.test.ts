import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { environmentVariables, formatConfigProblems, parseEnvironment } from '../../src/config/environment.ts';

const root = new URL('../../../../', import.meta.url);

describe('configuration from the environment', () => {
  it('works with nothing set: SQLite under ./data and port 3000', () => {
    const result = parseEnvironment({});
    assert.ok(result.ok);
    assert.equal(result.config.databaseUrl, 'sqlite:./data/switchboard.db');
    assert.equal(result.config.port, 3000);
    assert.equal(result.config.publicUrl, 'http://localhost:3000');
    assert.equal(result.config.discordToken, undefined);
  });

  it('lists every problem at once, each with the variable, the problem and an example', () => {
    const result = parseEnvironment({
      PORT: '70000',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'http://cache',
      TRUST_PROXY: 'maybe',
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(
      result.problems.map((p) => p.variable).sort(),
      ['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'REDIS_URL', 'TRUST_PROXY'],
    );
    const port = result.problems.find((p) => p.variable === 'PORT')!;
    assert.match(port.problem, /at most 65535/);
    assert.match(port.problem, /got "70000"/);
    assert.equal(port.example, 'PORT=3000');
    const text = formatConfigProblems(result.problems);
    assert.match(text, /5 problems/);
    assert.match(text, /LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  it('never echoes a secret value back', () => {
    const secretToken = 'not-a-token-but-secret-value';
    const result = parseEnvironment({ DISCORD_TOKEN: secretToken, DATABASE_URL: 'oracle://user:hunter2@db' });
    assert.equal(result.ok, false);
    if (result.ok) return;
    const text = formatConfigProblems(result.problems);
    assert.ok(!text.includes(secretToken));
    assert.ok(!text.includes('hunter2'));
    assert.match(text, /DISCORD_TOKEN: does not look like a Discord bot token/);
  });

  it('requires ENCRYPTION_KEYS with PostgreSQL, and checks its format without echoing it', () => {
    const missing = parseEnvironment({ DATABASE_URL: 'postgres://db/switchboard' });
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.match(missing.problems[0]!.problem, /required with PostgreSQL/);
    const malformed = parseEnvironment({ ENCRYPTION_KEYS: 'k1:c2hvcnQ=' });
    assert.equal(malformed.ok, false);
    if (!malformed.ok) {
      assert.match(malformed.problems[0]!.problem, /32 bytes/);
      assert.ok(!formatConfigProblems(malformed.problems).includes('c2hvcnQ='));
    }
    const good = parseEnvironment({ DATABASE_URL: 'postgres://db/switchboard', ENCRYPTION_KEYS: `new:${Buffer.alloc(32, 1).toString('base64')},old:${Buffer.alloc(32, 2).toString('base64')}` });
    assert.ok(good.ok);
    if (good.ok) assert.deepEqual(good.config.encryptionKeys?.map((k) => k.id), ['new', 'old']);
  });

  it('treats an empty variable as unset', () => {
    const result = parseEnvironment({ PORT: '', REDIS_URL: '' });
    assert.ok(result.ok);
    assert.equal(result.config.port, 3000);
    assert.equal(result.config.redisUrl, undefined);
  });

  it('.env.example documents every variable with its default', () => {
    const example = readFileSync(new URL('.env.example', root), 'utf8');
    for (const [name, spec] of Object.entries(environmentVariables)) {
      const line = example.split('\n').find((l) => l.replace(/^#\s*/, '').startsWith(`${name}=`));
      assert.ok(line, `.env.example is missing ${name}`);
      const defaultValue = (spec as { default?: string }).default;
      if (defaultValue !== undefined) assert.ok(line.endsWith(`=${defaultValue}`), `${name} in .env.example should show its default ${defaultValue}`);
    }
  });

  it('docs/configuration.md describes every variable', () => {
    const docs = readFileSync(new URL('docs/configuration.md', root), 'utf8');
    for (const name of Object.keys(environmentVariables)) assert.match(docs, new RegExp(`\\\`${name}\\\``), `docs/configuration.md is missing ${name}`);
  });
});
