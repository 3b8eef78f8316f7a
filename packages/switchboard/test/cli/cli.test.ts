import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempFolder } from '../support/cli.ts';
import { TEST_ENCRYPTION_KEYS } from '../support/hub.ts';

describe('switchboard CLI', () => {
  it('--help lists every command, and every command has --help', () => {
    const cwd = tempFolder();
    const overview = runCli(['--help'], { cwd });
    assert.equal(overview.code, 0);
    for (const name of ['start', 'migrate', 'doctor', 'token']) {
      assert.match(overview.stdout, new RegExp(`^  ${name} `, 'm'));
      const help = runCli([name, '--help'], { cwd });
      assert.equal(help.code, 0, name);
      assert.match(help.stdout, new RegExp(`Usage: switchboard ${name}`));
    }
  });

  it('exits 2 on an unknown command or flag', () => {
    const cwd = tempFolder();
    assert.equal(runCli(['launch'], { cwd }).code, 2);
    const flag = runCli(['migrate', '--fast'], { cwd });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--fast/);
  });

  it('start without DISCORD_TOKEN exits 2 and points to the sandbox', () => {
    const result = runCli(['start'], { cwd: tempFolder() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /DISCORD_TOKEN is not set/);
    assert.match(result.stderr, /npm run sandbox/);
  });

  it('a bad configuration exits 2 listing every problem, without echoing secrets', () => {
    const result = runCli(['start'], {
      cwd: tempFolder(),
      env: { DISCORD_TOKEN: 'leaked-secret', PORT: 'eighty', LOG_LEVEL: 'chatty' },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /3 problems/);
    assert.match(result.stderr, /PORT: must be a whole number/);
    assert.match(result.stderr, /LOG_LEVEL: must be one of/);
    assert.ok(!result.stderr.includes('leaked-secret'));
  });

  it('reads .env, with the real environment taking precedence', () => {
    const cwd = tempFolder();
    writeFileSync(path.join(cwd, '.env'), 'DATABASE_URL=sqlite:./from-dotenv.db\nLOG_LEVEL=nonsense\n');
    const overridden = runCli(['migrate'], { cwd, env: { LOG_LEVEL: 'warn' } });
    assert.equal(overridden.code, 0, overridden.stderr);
    assert.match(overridden.stdout, /from-dotenv\.db/);
  });

  it('migrate applies, then reports up to date; --status lists nothing pending', () => {
    const cwd = tempFolder();
    const first = runCli(['migrate'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /✔ 0001-foundation/);
    const second = runCli(['migrate'], { cwd });
    assert.match(second.stdout, /Up to date/);
    assert.match(runCli(['migrate', '--status'], { cwd }).stdout, /no pending migrations/);
  });

  it('token create prints the token once; list shows it without the token; revoke works', () => {
    const cwd = tempFolder();
    const created = runCli(['token', 'create', '--name', 'ops', '--role', 'admin'], { cwd });
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^sbt_[\w-]{43}$/);
    assert.match(created.stderr, /shown once/);
    const listed = runCli(['token', 'list'], { cwd });
    assert.match(listed.stdout, /ops\s+admin/);
    assert.ok(!listed.stdout.includes(token));
    assert.equal(runCli(['token', 'create', '--name', 'ops', '--role', 'admin'], { cwd }).code, 1, 'duplicate name');
    const bad = runCli(['token', 'create', '--role', 'root'], { cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--name is required/);
    assert.match(bad.stderr, /--role must be one of admin, viewer/);
    assert.equal(runCli(['token', 'revoke', 'ops'], { cwd }).code, 0);
    assert.equal(runCli(['token', 'revoke', 'ops'], { cwd }).code, 1, 'already revoked');
    const json = JSON.parse(runCli(['token', 'list', '--json'], { cwd }).stdout);
    assert.equal(json[0].name, 'ops');
    assert.equal(typeof json[0].revokedAt, 'number');
  });

  it('doctor passes on a good setup and fails, with what to do, on an unreachable database', () => {
    const cwd = tempFolder();
    // Without a token the Discord checks are skipped (they are tested against the simulator elsewhere).
    const fresh = runCli(['doctor'], { cwd });
    assert.equal(fresh.code, 0, fresh.stdout);
    assert.match(fresh.stdout, /WARN\s+Migrations\s+a new database: \d+ migration\(s\) to apply/);
    assert.deepEqual(runCli(['migrate', '--status'], { cwd }).stdout.match(/Pending \(\d+\)/)?.length, 1, 'doctor changed nothing');
    runCli(['migrate'], { cwd });
    const good = runCli(['doctor'], { cwd });
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /PASS\s+Database/);
    assert.match(good.stdout, /PASS\s+Migrations/);
    assert.match(good.stdout, /SKIP\s+Discord login/);
    const bad = runCli(['doctor'], { cwd, env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS } });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL\s+Database/);
    assert.match(bad.stdout, /What to do:/);
    assert.match(bad.stdout, /check DATABASE_URL/);
  });

  it('doctor reports a broken guild override file with file, path and problem, and fails', () => {
    const cwd = tempFolder();
    mkdirSync(path.join(cwd, 'config', 'overrides'), { recursive: true });
    writeFileSync(path.join(cwd, 'config', 'overrides', '123456789012345678.json'), JSON.stringify({ locale: 'de', modules: { tickets: 'sometimes' } }));
    writeFileSync(path.join(cwd, 'config', 'overrides', '223456789012345678.json'), JSON.stringify({ timezone: 'Europe/Berlin' }));
    runCli(['migrate'], { cwd });
    const result = runCli(['doctor'], { cwd });
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /FAIL\s+Guild override files\s+1 problem\(s\)/);
    assert.match(result.stdout, /123456789012345678\.json at modules\.tickets: must be true or false/);
    writeFileSync(path.join(cwd, 'config', 'overrides', '123456789012345678.json'), JSON.stringify({ locale: 'de' }));
    const fixed = runCli(['doctor'], { cwd });
    assert.match(fixed.stdout, /PASS\s+Guild override files\s+2 valid override file\(s\)/);
  });
});
