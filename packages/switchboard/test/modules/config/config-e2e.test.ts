/**
 * Guild configuration end to end, on each database: /config through the simulator (the hub's own
 * permission check, errors naming paths, a switched-off module), the API (JSON Merge Patch, 422 with
 * paths, reset, audit, roles), and a broken override file at start.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiToken } from '../../../src/auth/api-token.ts';
import type { Hub } from '../../../src/hub.ts';
import { ApiTokenRepository } from '../../../src/storage/api-token-repository.ts';
import { capturedLogger } from '../../support/captured-logger.ts';
import { tempFolder } from '../../support/cli.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { testHub } from '../../support/hub.ts';
import { eventually, SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../../support/simulator.ts';

const FILE_GUILD = '323456789012345678';

type Callback = { callback: { type: number; data?: { content?: string; flags?: number; embeds?: { title?: string; description?: string }[] } } | null; deadlineMissed: boolean };

describeEachDatabase('guild configuration end to end', ({ it, open }) => {
  let sim: TestSimulator;
  let hub: Hub;
  let admin: string;
  let viewer: string;
  const overridesDir = tempFolder();
  const logs = capturedLogger('info');
  const config = (userId: string, sub: string, options: Record<string, unknown> = {}) =>
    sim.control<Callback>('POST', '/interactions', { kind: 'command', name: `config ${sub}`, options, channelId: sim.demo.channels['bot-commands'], userId, waitMs: 3_000 });
  const api = (method: 'GET' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object, contentType = 'application/merge-patch+json') =>
    hub.http.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': contentType } : {}) }, ...(payload ? { payload: JSON.stringify(payload) } : {}) });

  before(async () => {
    sim = await startTestSimulator();
    // A broken override file must not stop the hub.
    writeFileSync(path.join(overridesDir, `${sim.demo.guildId}.json`), JSON.stringify({ timezone: 'Atlantis/Capital' }));
    // Another guild's file declares its ticket categories, which the hub makes exist at start.
    writeFileSync(path.join(overridesDir, `${FILE_GUILD}.json`), JSON.stringify({ tickets: { categories: [{ name: 'Bug reports', emoji: '🐞' }, { name: 'Billing' }] } }));
    hub = await testHub(await open(), { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase, GUILD_CONFIG_DIR: overridesDir, LOG_LEVEL: 'info', USER_RATE_LIMIT_BURST: '100' }, { discord: true, logger: logs.logger });
    const tokens = new ApiTokenRepository(hub.database.db);
    for (const role of ['admin', 'viewer'] as const) {
      const material = generateApiToken();
      await tokens.create({ id: material.id, name: `ops-${role}`, role, tokenHash: material.hash, now: Date.now() });
      if (role === 'admin') admin = material.token;
      else viewer = material.token;
    }
    await hub.start();
    await eventually(() => hub.discord!.status().ready, 'connected');
    await eventually(async () => (await sim.control<{ name: string }[]>('GET', `/commands?guildId=${sim.demo.guildId}`)).some((c) => c.name === 'config'), '/config registered');
  });
  after(async () => {
    await hub?.stop();
    await sim?.close();
  });

  it('a broken override file is reported at start with file, path and problem, and the guild keeps working', async () => {
    const line = logs.lines.find((l) => /guild configuration override file/.test(l.msg));
    assert.ok(line, 'logged');
    assert.match(line.msg, new RegExp(`${sim.demo.guildId}\\.json at timezone: must be an IANA time zone`));
    const view = await api('GET', `/api/v1/guilds/${sim.demo.guildId}/config`, viewer);
    assert.equal(view.statusCode, 200);
    const body = view.json() as { data: { config: { timezone: string }; fileProblems: { path: string }[] } };
    assert.equal(body.data.config.timezone, 'UTC');
    assert.deepEqual(body.data.fileProblems.map((p) => p.path), ['timezone']);
  });

  it('the hub checks Manage Server itself: a member without it is refused', async () => {
    const refused = await config(sim.demo.members['linus']!, 'set', { path: 'modules.tickets', value: 'false' });
    assert.match(refused.callback?.data?.content ?? '', /needs the Manage Server permission/);
    assert.equal(refused.callback?.data?.flags, 64, 'ephemeral');
    const view = await api('GET', `/api/v1/guilds/${sim.demo.guildId}/config`, viewer);
    assert.deepEqual((view.json() as { data: { stored: object } }).data.stored, {}, 'nothing written');
  });

  it('an invalid value is refused ephemerally, naming the path and what is allowed', async () => {
    const low = await config(sim.demo.ownerId, 'set', { path: 'meetings.defaultDurationMinutes', value: '2' });
    assert.match(low.callback?.data?.content ?? '', /`meetings\.defaultDurationMinutes` must be at least 5/);
    const unknown = await config(sim.demo.ownerId, 'set', { path: 'meetings.colour', value: 'red' });
    assert.match(unknown.callback?.data?.content ?? '', /`meetings\.colour` is not a setting; allowed in meetings: defaultDurationMinutes/);
    const template = await config(sim.demo.ownerId, 'set', { path: 'notifications.meetingStarted.template', value: '{title} by {speaker}' });
    assert.match(template.callback?.data?.content ?? '', /unknown placeholder \{speaker\}; allowed: \{title\}/);
  });

  it('a module switched off by /config refuses its commands in that guild; view shows it; the audit names who', async () => {
    const set = await config(sim.demo.ownerId, 'set', { path: 'modules.attendance', value: 'off' });
    assert.match(set.callback?.data?.content ?? '', /`modules\.attendance` is now false/);
    const session = await sim.control<Callback>('POST', '/interactions', {
      kind: 'command',
      name: 'session create',
      options: { title: 'Raid', start: '2031-03-28 20:00' },
      channelId: sim.demo.channels['events'],
      userId: sim.demo.ownerId,
      waitMs: 3_000,
    });
    assert.match(session.callback?.data?.content ?? '', /attendance module is switched off in this server/);
    const view = await config(sim.demo.ownerId, 'view', { section: 'modules' });
    assert.match(view.callback?.data?.embeds?.[0]?.description ?? '', /"attendance": false/);
    assert.match(view.callback?.data?.embeds?.[0]?.description ?? '', /Changed here: `modules\.attendance`/);
    const reset = await config(sim.demo.ownerId, 'reset', { path: 'modules.attendance' });
    assert.match(reset.callback?.data?.content ?? '', /back to its default/);
    const audit = await api('GET', `/api/v1/guilds/${sim.demo.guildId}/audit`, viewer);
    const entries = (audit.json() as { data: { actor: string; summary: string; before: object; after: object }[] }).data;
    assert.deepEqual(
      entries.slice(0, 2).map((e) => [e.actor, e.summary, e.before, e.after]),
      [
        [`discord:${sim.demo.ownerId}`, 'reset modules.attendance', { modules: { attendance: false } }, {}],
        [`discord:${sim.demo.ownerId}`, 'set modules.attendance', {}, { modules: { attendance: false } }],
      ],
    );
  });

  it('the API: merge patch, 422 with every path, reset, and who may do what', async () => {
    const url = `/api/v1/guilds/${sim.demo.guildId}/config`;
    const bad = await api('PATCH', url, admin, { timezone: 'Nowhere/Town', rateLimits: { commandsPerMinute: 0 }, extra: true });
    assert.equal(bad.statusCode, 422);
    const details = (bad.json() as { error: { code: string; details: { path: string; message: string }[] } }).error;
    assert.equal(details.code, 'invalid_config');
    assert.deepEqual(details.details.map((d) => d.path).sort(), ['extra', 'rateLimits.commandsPerMinute', 'timezone']);
    assert.equal((await api('PATCH', url, viewer, { locale: 'de' })).statusCode, 403);
    assert.equal((await hub.http.inject({ method: 'PATCH', url, payload: { locale: 'de' } })).statusCode, 401);

    const good = await api('PATCH', url, admin, { locale: 'de', roleMappings: { meetingModerators: [sim.demo.roles['Staff']] } }, 'application/json');
    assert.equal(good.statusCode, 200);
    assert.equal((good.json() as { data: { config: { locale: string } } }).data.config.locale, 'de');
    const removed = await api('PATCH', url, admin, { locale: null });
    assert.equal((removed.json() as { data: { config: { locale: string }; stored: object } }).data.config.locale, 'en-US');
    const reset = await api('DELETE', `${url}?path=roleMappings`, admin);
    assert.deepEqual((reset.json() as { data: { stored: object } }).data.stored, {});
    assert.equal((await api('DELETE', `${url}?path=../x`, admin)).statusCode, 400);
  });

  it("the attendance labels route is part of the guild's configuration, audited", async () => {
    const put = await hub.http.inject({ method: 'PUT', url: `/api/v1/guilds/${sim.demo.guildId}/attendance-labels`, headers: { authorization: `Bearer ${admin}` }, payload: { yes: 'Count me in' } });
    assert.equal(put.statusCode, 200);
    assert.deepEqual((put.json() as { data: object }).data, { yes: 'Count me in', maybe: 'Maybe', late: 'Late', no: 'No' });
    const view = await api('GET', `/api/v1/guilds/${sim.demo.guildId}/config`, viewer);
    assert.deepEqual((view.json() as { data: { stored: object } }).data.stored, { attendance: { labels: { yes: 'Count me in' } } });
    const audit = await api('GET', `/api/v1/guilds/${sim.demo.guildId}/audit?limit=1`, viewer);
    assert.equal((audit.json() as { data: { actor: string }[] }).data[0]?.actor, 'token:ops-admin');
  });

  it('ticket categories in settings exist: from an override file at start, and as soon as they are set', async () => {
    const names = async (guildId: string) =>
      ((await api('GET', `/api/v1/guilds/${guildId}/ticket-categories`, viewer)).json() as { data: { name: string; emoji: string | null }[] }).data.map((c) => `${c.emoji ?? ''}${c.name}`).sort();
    assert.deepEqual(await names(FILE_GUILD), ['Billing', '🐞Bug reports']);
    const set = await config(sim.demo.ownerId, 'set', { path: 'tickets.categories', value: '[{"name":"Appeals","description":"Ban appeals"}]' });
    assert.match(set.callback?.data?.content ?? '', /`tickets\.categories` is now/);
    assert.ok((await names(sim.demo.guildId)).includes('Appeals'));
    const twice = await api('PATCH', `/api/v1/guilds/${sim.demo.guildId}/config`, admin, { tickets: { categories: [{ name: 'A' }, { name: 'a' }] } });
    assert.equal(twice.statusCode, 422);
    assert.deepEqual((twice.json() as { error: { details: { path: string; message: string }[] } }).error.details, [{ path: 'tickets.categories', message: 'must not name a category twice' }]);
  });
});
