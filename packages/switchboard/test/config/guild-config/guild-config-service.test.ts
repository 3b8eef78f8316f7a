/** The guild configuration service on both databases: layers, cache and invalidation, audit, broken files, races. */
import { describe } from 'node:test';
import { it as nodeIt } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { LOCAL_CONFIG_INVALIDATION, redisConfigInvalidation, type ConfigInvalidation } from '../../../src/config/guild-config/config-invalidation.ts';
import { GuildConfigService } from '../../../src/config/guild-config/guild-config-service.ts';
import { readOverrideFiles } from '../../../src/config/guild-config/override-files.ts';
import { GuildConfigRepository } from '../../../src/storage/guild-config-repository.ts';
import type { Database } from '../../../src/storage/database.ts';
import { tempFolder } from '../../support/cli.ts';
import { describeEachDatabase } from '../../support/databases.ts';
import { redisAvailability } from '../../support/services.ts';
import { eventually } from '../../support/simulator.ts';

const GUILD = '123456789012345678';
const OTHER = '223456789012345678';
const admin = { id: 'user:1', source: 'command' } as const;

function service(database: Database, options: { now?: () => number; invalidation?: ConfigInvalidation; ttlMs?: number } = {}): GuildConfigService {
  return new GuildConfigService({ repository: new GuildConfigRepository(database.db), invalidation: options.invalidation ?? LOCAL_CONFIG_INVALIDATION, ...options });
}

/** An in-process bus shared by services standing in for instances. */
function sharedBus(): () => ConfigInvalidation {
  const handlers = new Set<(guildId: string) => void>();
  return () => {
    let own: ((guildId: string) => void) | undefined;
    return {
      publish: async (guildId) => {
        for (const handler of handlers) if (handler !== own) handler(guildId);
      },
      subscribe: async (handler) => {
        own = handler;
        handlers.add(handler);
      },
      close: async () => {
        if (own) handlers.delete(own);
      },
    };
  };
}

describeEachDatabase('guild configuration service', ({ it, open }) => {
  it('defaults < file < stored, per guild', async () => {
    const database = await open();
    const dir = tempFolder();
    writeFileSync(path.join(dir, `${GUILD}.json`), JSON.stringify({ timezone: 'Europe/Berlin', meetings: { defaultDurationMinutes: 90 } }));
    const configs = service(database);
    assert.deepEqual(await configs.loadFiles(await readOverrideFiles(dir)), []);
    await configs.change(GUILD, { kind: 'set', path: ['meetings', 'defaultDurationMinutes'], value: 30 }, admin);
    const config = await configs.get(GUILD);
    assert.equal(config.timezone, 'Europe/Berlin', 'from the file');
    assert.equal(config.meetings.defaultDurationMinutes, 30, 'stored beats the file');
    assert.equal(config.locale, 'en-US', 'the default');
    assert.equal((await configs.get(OTHER)).timezone, 'UTC', 'another guild is untouched');
    const view = await configs.view(GUILD);
    assert.deepEqual(view.stored, { meetings: { defaultDurationMinutes: 30 } });
    assert.deepEqual(view.file, { timezone: 'Europe/Berlin', meetings: { defaultDurationMinutes: 90 } });
    // Resetting the stored value falls back to the file's.
    await configs.change(GUILD, { kind: 'reset', path: ['meetings', 'defaultDurationMinutes'] }, admin);
    assert.equal((await configs.get(GUILD)).meetings.defaultDurationMinutes, 90);
    assert.deepEqual((await configs.view(GUILD)).stored, {}, 'empty sections are pruned');
  });

  it('an invalid change is refused with paths and writes nothing', async () => {
    const database = await open();
    const configs = service(database);
    const result = await configs.change(GUILD, { kind: 'patch', patch: { timezone: 'Nowhere/City', modules: { meetings: 'off' } } }, admin);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.issues.map((i) => i.path).sort(), ['modules.meetings', 'timezone']);
    assert.deepEqual(await configs.audit(GUILD, { limit: 10 }), []);
    assert.deepEqual((await configs.view(GUILD)).stored, {});
  });

  it('every change is audited (who, when, before → after); no-op changes are not', async () => {
    const database = await open();
    let now = 1_000;
    const configs = service(database, { now: () => now });
    await configs.change(GUILD, { kind: 'set', path: ['locale', ], value: 'de' }, { id: 'user:42', source: 'command' });
    now = 2_000;
    await configs.change(GUILD, { kind: 'patch', patch: { locale: null, timezone: 'Europe/Paris' } }, { id: 'token:ops', source: 'api' });
    now = 3_000;
    const same = await configs.change(GUILD, { kind: 'set', path: ['timezone'], value: 'Europe/Paris' }, admin);
    assert.ok(same.ok && !same.changed);
    const entries = await configs.audit(GUILD, { limit: 10 });
    assert.equal(entries.length, 2);
    assert.deepEqual(
      entries.map((e) => [e.actor, e.source, e.summary, e.before, e.after, e.at]),
      [
        ['token:ops', 'api', 'patch locale, timezone', { locale: 'de' }, { timezone: 'Europe/Paris' }, 2_000],
        ['user:42', 'command', 'set locale', {}, { locale: 'de' }, 1_000],
      ],
    );
    assert.equal((await configs.audit(GUILD, { limit: 10, before: 2_000 })).length, 1);
  });

  it('the cache serves within its TTL and is dropped on every write, across instances', async () => {
    const database = await open();
    let now = 0;
    const bus = sharedBus();
    const a = service(database, { now: () => now, invalidation: bus(), ttlMs: 60_000 });
    const b = service(database, { now: () => now, invalidation: bus(), ttlMs: 60_000 });
    await a.start();
    await b.start();
    assert.equal((await b.get(GUILD)).timezone, 'UTC');
    // A write that bypasses the service is not seen until the TTL passes…
    await new GuildConfigRepository(database.db).replace({ guildId: GUILD, expectedVersion: 0, overrides: { timezone: 'Asia/Tokyo' }, actor: 'x', source: 'api', summary: 'x', before: {}, now: 0 });
    assert.equal((await b.get(GUILD)).timezone, 'UTC', 'cached');
    now = 61_000;
    assert.equal((await b.get(GUILD)).timezone, 'Asia/Tokyo', 'after the TTL');
    // …while a write through another instance is seen at once.
    await a.change(GUILD, { kind: 'set', path: ['timezone'], value: 'Europe/Rome' }, admin);
    assert.equal((await b.get(GUILD)).timezone, 'Europe/Rome');
    await a.stop();
    await b.stop();
  });

  it('concurrent changes from two instances both land (optimistic retry), each audited', async () => {
    const database = await open();
    const a = service(database);
    const b = service(database);
    await Promise.all([
      a.change(GUILD, { kind: 'set', path: ['timezone'], value: 'Europe/Oslo' }, admin),
      b.change(GUILD, { kind: 'set', path: ['locale'], value: 'nb' }, admin),
      a.change(GUILD, { kind: 'set', path: ['meetings', 'defaultDurationMinutes'], value: 15 }, admin),
    ]);
    assert.deepEqual((await a.view(GUILD)).stored, { timezone: 'Europe/Oslo', locale: 'nb', meetings: { defaultDurationMinutes: 15 } });
    assert.equal((await a.audit(GUILD, { limit: 10 })).length, 3);
  });

  it('a broken file is reported (file, path, problem) and the guild keeps its last valid file', async () => {
    const database = await open();
    const dir = tempFolder();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${GUILD}.json`);
    writeFileSync(file, JSON.stringify({ timezone: 'Europe/Berlin' }));
    const first = service(database);
    await first.loadFiles(await readOverrideFiles(dir));
    assert.equal((await first.get(GUILD)).timezone, 'Europe/Berlin');

    writeFileSync(file, JSON.stringify({ timezone: 'Atlantis/Capital', modules: { tickets: 'sometimes' } }));
    writeFileSync(path.join(dir, `${OTHER}.json`), '{ "locale": ');
    writeFileSync(path.join(dir, 'notes.json'), '{}');
    // A restart: a new service on the same database.
    const second = service(database);
    const problems = await second.loadFiles(await readOverrideFiles(dir));
    assert.deepEqual(
      problems.map((p) => [path.basename(p.file), p.path, p.problem.slice(0, 18)]),
      [
        [`${GUILD}.json`, 'timezone', 'must be an IANA ti'],
        [`${GUILD}.json`, 'modules.tickets', 'must be true or fa'],
        [`${OTHER}.json`, '', 'is not valid JSON:'],
        ['notes.json', '', 'the file name must'],
      ],
    );
    assert.equal((await second.get(GUILD)).timezone, 'Europe/Berlin', 'the last valid file still applies');
    assert.equal((await second.get(OTHER)).locale, 'en-US', 'no valid file ever: the defaults');
    assert.equal((await second.view(GUILD)).fileProblems.length, 2);
  });
});

const redis = await redisAvailability();

describe('guild configuration invalidation through Redis [redis]', { skip: redis.available ? false : redis.reason }, () => {
  nodeIt('a change on one instance drops the cached entry on another within a second', async () => {
    const { openDatabase } = await import('../../../src/storage/database.ts');
    const { runMigrations } = await import('../../../src/storage/migrator.ts');
    const database = openDatabase(`sqlite:${tempFolder()}/config.db`);
    await runMigrations(database);
    const connect = () => new Redis(redis.url, { maxRetriesPerRequest: 2 });
    const a = service(database, { invalidation: redisConfigInvalidation(connect(), connect(), { instanceId: 'a', quitOnClose: true }), ttlMs: 3_600_000 });
    const b = service(database, { invalidation: redisConfigInvalidation(connect(), connect(), { instanceId: 'b', quitOnClose: true }), ttlMs: 3_600_000 });
    try {
      await a.start();
      await b.start();
      const guild = `9${Date.now()}`.slice(0, 18);
      assert.equal((await b.get(guild)).timezone, 'UTC');
      const started = Date.now();
      await a.change(guild, { kind: 'set', path: ['timezone'], value: 'America/Chicago' }, admin);
      await eventually(async () => (await b.get(guild)).timezone === 'America/Chicago', 'b sees the change', 1_000);
      assert.ok(Date.now() - started < 1_000);
    } finally {
      await a.stop();
      await b.stop();
      await database.close();
    }
  });
});

describeEachDatabase('guild configuration migration', ({ it, open }) => {
  it("attendance labels set before move into the guild's overrides, and the old table goes", async () => {
    const { migrations } = await import('../../../src/storage/migrations/index.ts');
    const { runMigrations } = await import('../../../src/storage/migrator.ts');
    const { sql } = await import('kysely');
    const database = await open({ migrate: false });
    const upTo = migrations.findIndex((m) => m.id === '0013-guild-config');
    await runMigrations(database, migrations.slice(0, upTo));
    await sql`insert into attendance_guild_labels (guild_id, labels, updated_at) values (${GUILD}, ${JSON.stringify({ yes: 'Count me in', late: 'Running late' })}, ${5})`.execute(database.db);
    await sql`insert into attendance_guild_labels (guild_id, labels, updated_at) values (${OTHER}, ${'{}'}, ${5})`.execute(database.db);
    await runMigrations(database);
    const configs = service(database);
    assert.deepEqual((await configs.get(GUILD)).attendance.labels, { yes: 'Count me in', maybe: 'Maybe', late: 'Running late', no: 'No' });
    assert.deepEqual((await configs.view(OTHER)).stored, {});
    await assert.rejects(sql`select * from attendance_guild_labels`.execute(database.db));
  });
});
