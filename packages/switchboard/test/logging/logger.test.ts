import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/logging/logger.ts';

describe('JSON logs', () => {
  it('are JSON lines with level, time, service and instance, and never carry a credential', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', instanceId: 'hub-1', destination: { write: (line: string) => lines.push(line) } });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sbt_very-secret', cookie: 'session=abc' } },
        app: { token: 'sba_app-secret', secret: 'whsec_signing' },
        config: { discordToken: 'MTA.bot.token', databaseUrl: 'postgres://user:pw@db/x' },
        token: 'sbt_top-level',
      },
      'something happened',
    );
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.level, 'info');
    assert.equal(entry.service, 'switchboard');
    assert.equal(entry.instance, 'hub-1');
    assert.equal(entry.msg, 'something happened');
    assert.match(entry.time, /^\d{4}-\d\d-\d\dT/);
    for (const secret of ['sbt_very-secret', 'session=abc', 'sba_app-secret', 'whsec_signing', 'MTA.bot.token', 'user:pw', 'sbt_top-level']) {
      assert.ok(!lines[0]!.includes(secret), `${secret} reached the log`);
    }
    assert.equal(entry.req.headers.authorization, '[redacted]');
  });
});
