import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from '../../src/doctor/doctor-check.ts';
import { foundationChecks, publicUrlResult } from '../../src/doctor/foundation-checks.ts';

describe('doctor: foundation checks', () => {
  it('names every configuration problem with its variable and an example', async () => {
    const results = await runChecks(foundationChecks({ PORT: 'eighty', LOG_LEVEL: 'chatty', DISCORD_TOKEN: 'leaked-secret' }));
    const configuration = results.find((r) => r.name === 'Configuration')!;
    assert.equal(configuration.status, 'fail');
    assert.equal(configuration.detail, '3 problem(s): DISCORD_TOKEN, PORT, LOG_LEVEL');
    assert.match(configuration.fix ?? '', /PORT must be a whole number between 1 and 65535 \(got "eighty"\) \(example: PORT=3000\)/);
    assert.match(configuration.fix ?? '', /LOG_LEVEL must be one of/);
    assert.ok(!JSON.stringify(results).includes('leaked-secret'), 'a secret is never echoed');
  });

  it('checks the public URL: scheme and host only, https unless local', () => {
    assert.equal(publicUrlResult('https://switchboard.example.com/', 'https://switchboard.example.com').status, 'pass');
    assert.equal(publicUrlResult('http://localhost:3000', 'http://localhost:3000').status, 'pass');
    assert.equal(publicUrlResult(undefined, 'http://localhost:3000').status, 'pass');
    const plain = publicUrlResult('http://switchboard.example.com', 'http://switchboard.example.com');
    assert.equal(plain.status, 'warn');
    assert.match(plain.fix ?? '', /https/);
    const cases: Array<[string, RegExp]> = [
      ['https://switchboard.example.com/hub', /has a path \(\/hub\)/],
      ['https://switchboard.example.com/?x=1', /has a query \(\?x=1\)/],
      ['https://switchboard.example.com#top', /has a fragment \(#top\)/],
      ['https://admin:hunter2@switchboard.example.com', /has a user name or password/],
      ['https://switchboard.example.com /', /contains whitespace/],
    ];
    for (const [raw, expected] of cases) {
      const result = publicUrlResult(raw, raw);
      assert.equal(result.status, 'fail', raw);
      assert.match(result.detail, expected);
      assert.match(result.fix ?? '', /scheme, host and port only/);
    }
    assert.ok(!publicUrlResult('https://admin:hunter2@switchboard.example.com', '').detail.includes('hunter2'));
  });

  it('a check that does not answer fails after its timeout instead of hanging', async () => {
    const started = performance.now();
    const [result] = await runChecks([{ name: 'Stuck', timeoutMs: 100, run: () => new Promise(() => {}) }]);
    assert.ok(performance.now() - started < 1000);
    assert.equal(result?.status, 'fail');
    assert.equal(result?.detail, 'no answer within 0.1 s');
  });
});
