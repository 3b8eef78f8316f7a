import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const services = fileURLToPath(new URL('../support/services.ts', import.meta.url));

function availabilityWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(services)}); const a = await m.postgresAvailability(); console.log(JSON.stringify(a));`], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
}

describe('the suite and its outside services', () => {
  it('skips with a reason locally when PostgreSQL is unreachable', () => {
    const result = availabilityWith({ TEST_POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(result.status, 0, result.stderr);
    const availability = JSON.parse(result.stdout);
    assert.equal(availability.available, false);
    assert.match(availability.reason, /PostgreSQL is not reachable at 127\.0\.0\.1:1/);
  });

  it('fails instead of skipping under CI', () => {
    const result = availabilityWith({ CI: '1', TEST_POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /CI is set and PostgreSQL is not reachable/);
  });
});
