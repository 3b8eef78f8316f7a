import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { oauthChecks, oauthProviderStatus } from '../../src/doctor/oauth-checks.ts';
import { runChecks } from '../../src/doctor/doctor-check.ts';
import { freePort } from '../support/cli.ts';
import { testConfig } from '../support/hub.ts';

const KICK = { KICK_CLIENT_ID: 'kick-client', KICK_CLIENT_SECRET: 'kick-secret-123' };

describe('doctor: OAuth providers', () => {
  const requests: string[] = [];
  let status = 405;
  let server: http.Server;
  let base: string;
  before(async () => {
    server = http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('skips a provider that is not configured', async () => {
    const results = await runChecks(oauthChecks({}, testConfig()));
    assert.deepEqual(results.map((r) => [r.name, r.status]), [
      ['OAuth: Twitch', 'skip'],
      ['OAuth: YouTube (Google)', 'skip'],
      ['OAuth: Kick', 'skip'],
      ['OAuth: Discord', 'skip'],
    ]);
    assert.match(results[0]!.detail, /not configured \(TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET unset\)/);
  });

  it('fails a client id without its secret, and a secret without its id, naming the missing variable', async () => {
    const idOnly = await oauthProviderStatus('twitch', { TWITCH_CLIENT_ID: 'abc123' }, undefined);
    assert.equal(idOnly.status, 'fail');
    assert.equal(idOnly.detail, 'TWITCH_CLIENT_ID is set but TWITCH_CLIENT_SECRET is not');
    assert.match(idOnly.fix ?? '', /set TWITCH_CLIENT_SECRET too/);
    const secretOnly = await oauthProviderStatus('youtube', { GOOGLE_CLIENT_SECRET: 'secret-123' }, undefined);
    assert.equal(secretOnly.status, 'fail');
    assert.equal(secretOnly.detail, 'GOOGLE_CLIENT_SECRET is set but GOOGLE_CLIENT_ID is not');
  });

  it('fails a redirect URL that is plain http away from this machine', async () => {
    const env = { ...KICK, KICK_OAUTH_URL: base, PUBLIC_URL: 'http://switchboard.example.com' };
    const result = await oauthProviderStatus('kick', env, testConfig(env));
    assert.equal(result.status, 'fail');
    assert.equal(result.detail, 'the redirect URL http://switchboard.example.com/link/callback/kick is not https');
    assert.match(result.fix ?? '', /set PUBLIC_URL to its https:\/\/ address/);
  });

  it('passes when the token endpoint answers, whatever the status, and names the redirect URL to register', async () => {
    status = 405;
    requests.length = 0;
    const env = { ...KICK, KICK_OAUTH_URL: base, PUBLIC_URL: 'https://switchboard.example.com' };
    const result = await oauthProviderStatus('kick', env, testConfig(env));
    assert.equal(result.status, 'pass', result.detail);
    assert.match(result.detail, new RegExp(`${base}/token answers; register the redirect URL https://switchboard.example.com/link/callback/kick`));
    assert.deepEqual(requests, ['HEAD /token']);
  });

  it('warns when the token endpoint answers with a server error', async () => {
    status = 503;
    const env = { ...KICK, KICK_OAUTH_URL: base };
    const result = await oauthProviderStatus('kick', env, testConfig(env));
    assert.equal(result.status, 'warn');
    assert.match(result.detail, /answers HTTP 503/);
  });

  it('fails an endpoint on a closed port, with the reason and what to check', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const env = { ...KICK, KICK_OAUTH_URL: closed };
    const result = await oauthProviderStatus('kick', env, testConfig(env));
    assert.equal(result.status, 'fail');
    assert.match(result.detail, new RegExp(`${closed}/token cannot be reached: .*ECONNREFUSED`));
    assert.match(result.fix ?? '', /KICK_OAUTH_URL/);
  });

  it('fails an endpoint that does not answer in time, within the request timeout', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const env = { ...KICK, KICK_OAUTH_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` };
      const started = performance.now();
      const result = await oauthProviderStatus('kick', env, testConfig(env), { requestTimeoutMs: 200 });
      assert.ok(performance.now() - started < 2000);
      assert.equal(result.status, 'fail');
      assert.match(result.detail, /no answer in time/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
