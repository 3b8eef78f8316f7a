import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateApiToken } from '../../src/auth/api-token.ts';
import type { Hub } from '../../src/hub.ts';
import { ApiTokenRepository } from '../../src/storage/api-token-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { testHub } from '../support/hub.ts';

const GUILD = '111111111111111111';
const CHANNEL = '222222222222222222';

function appBody(id: string, overrides: Record<string, unknown> = {}) {
  return { id, name: `App ${id}`, callbackUrl: 'http://127.0.0.1:9/hook', events: ['reaction.add', 'interaction.component'], guilds: [GUILD], channels: { session: CHANNEL }, ...overrides };
}

describeEachDatabase('app registration and management', ({ it, open }) => {
  let hub: Hub;
  let admin: string;
  let viewer: string;
  before(async () => {
    hub = await testHub(await open(), { APP_CALLBACKS_ALLOW_LOOPBACK: 'true' });
    const repo = new ApiTokenRepository(hub.database.db);
    const a = generateApiToken();
    const v = generateApiToken();
    await repo.create({ id: a.id, name: 'admin', role: 'admin', tokenHash: a.hash, now: Date.now() });
    await repo.create({ id: v.id, name: 'viewer', role: 'viewer', tokenHash: v.hash, now: Date.now() });
    admin = a.token;
    viewer = v.token;
  });
  after(() => hub.stop());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, token: string, payload?: unknown) =>
    hub.http.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('registers an app, shows its token and secret once, and lists it offline until it beats', async () => {
    const created = await call('POST', '/api/v1/apps', admin, appBody('tracker'));
    assert.equal(created.statusCode, 201, created.body);
    const { app, token, signingSecret } = created.json().data;
    assert.match(token, /^sba_/);
    assert.match(signingSecret, /^whsec_/);
    assert.equal(app.status, 'offline');
    const row = await hub.database.db.selectFrom('apps').selectAll().where('id', '=', 'tracker').executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(token), 'the app token is stored hashed');
    assert.ok(!row.signing_secret.includes(signingSecret.slice(6)), 'the signing secret is stored sealed');
    const listed = await call('GET', '/api/v1/apps', admin);
    assert.ok(!listed.body.includes(token) && !listed.body.includes(signingSecret));

    const beat = await call('POST', '/api/v1/apps/tracker/heartbeat', token);
    assert.equal(beat.statusCode, 200);
    assert.equal(beat.json().data.status, 'online');
    assert.equal(beat.json().data.heartbeatIntervalSeconds, 30);
    const mine = await call('GET', '/api/v1/apps/tracker', token);
    assert.equal(mine.json().data.status, 'online');
    assert.equal(mine.json().data.channels.session, CHANNEL);
  });

  it('keeps apps apart: app A can neither see nor act for app B, nor use admin routes', async () => {
    const a = (await call('POST', '/api/v1/apps', admin, appBody('app-a'))).json().data.token;
    await call('POST', '/api/v1/apps', admin, appBody('app-b'));
    assert.equal((await call('GET', '/api/v1/apps/app-b', a)).statusCode, 403);
    assert.equal((await call('GET', '/api/v1/apps/app-b', a)).json().error.code, 'not_your_app');
    assert.equal((await call('POST', '/api/v1/apps/app-b/heartbeat', a)).statusCode, 403);
    assert.equal((await call('GET', '/api/v1/apps', a)).statusCode, 403);
    assert.equal((await call('GET', '/api/v1/jobs', a)).statusCode, 403);
    assert.equal((await call('POST', '/api/v1/apps', viewer, appBody('sneaky'))).statusCode, 403);
    assert.equal((await call('GET', '/api/v1/apps/app-b', admin)).statusCode, 200);
  });

  it('refuses bad input with paths, duplicate ids, and unsafe callback URLs — writing nothing', async () => {
    const count = async () => (await hub.database.db.selectFrom('apps').select('id').execute()).length;
    const before = await count();
    const invalid = await call('POST', '/api/v1/apps', admin, appBody('Bad Id', { guilds: [], events: ['everything'] }));
    assert.equal(invalid.statusCode, 400);
    const paths = invalid.json().error.details.map((d: { path: string }) => d.path).sort();
    assert.deepEqual(paths, ['body.events.0', 'body.guilds', 'body.id']);
    for (const callbackUrl of ['http://169.254.169.254/latest/meta-data', 'ftp://example.com/hook', 'http://user:pw@127.0.0.1/hook', 'http://10.0.0.8/hook']) {
      const refused = await call('POST', '/api/v1/apps', admin, appBody('unsafe', { callbackUrl }));
      assert.ok([400, 422].includes(refused.statusCode), `${callbackUrl} → ${refused.statusCode}`);
    }
    await call('POST', '/api/v1/apps', admin, appBody('dupe'));
    assert.equal((await call('POST', '/api/v1/apps', admin, appBody('dupe'))).statusCode, 409);
    assert.equal(await count(), before + 1);
  });

  it('updates, rotates the secret, sets an assistant, and deletes', async () => {
    await call('POST', '/api/v1/apps', admin, appBody('changing'));
    const patched = await call('PATCH', '/api/v1/apps/changing', admin, { name: 'Renamed', subscribedChannels: [CHANNEL] });
    assert.equal(patched.json().data.name, 'Renamed');
    assert.deepEqual(patched.json().data.subscribedChannels, [CHANNEL]);
    const rotated = await call('POST', '/api/v1/apps/changing/secret/rotate', admin);
    assert.match(rotated.json().data.signingSecret, /^whsec_/);
    const record = await hub.database.db.selectFrom('apps').selectAll().where('id', '=', 'changing').executeTakeFirstOrThrow();
    assert.ok(record.previous_signing_secret && (record.previous_secret_expires_at ?? 0) > Date.now());
    assert.equal((await call('PUT', `/api/v1/guilds/${GUILD}/assistant`, admin, { appId: 'changing' })).statusCode, 200);
    assert.equal((await call('PUT', `/api/v1/guilds/${GUILD}/assistant`, admin, { appId: 'nobody' })).statusCode, 404);
    assert.equal((await call('DELETE', '/api/v1/apps/changing', admin)).statusCode, 200);
    assert.equal((await call('DELETE', '/api/v1/apps/changing', admin)).statusCode, 404);
  });
});
