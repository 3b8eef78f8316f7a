import { after, before, describe, it as nodeIt } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { startSimulator, type Simulator } from 'discord-sim';
import { collectCommands, InvalidCommandSetError, needsRegistration, registerCommands, registrationScope } from '../../src/discord/command-registry.ts';
import type { VersionedCommand } from '../../src/discord/command-versioning.ts';
import type { HubModule } from '../../src/modules/hub-module.ts';
import { CommandRegistrationRepository } from '../../src/storage/command-registration-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { control, requestCount, simApi } from '../support/sim-bot.ts';

const GLOBAL_PUT = 'PUT /applications/:applicationId/commands';
const GUILD_PUT = 'PUT /applications/:applicationId/guilds/:guildId/commands';

function moduleWith(name: string, commands: VersionedCommand[]): HubModule {
  return { name, description: name, intents: [GatewayIntentBits.Guilds], commands, onCommand: async () => undefined };
}

const command = (name: string, version = '1.0.0', description = `Does ${name}`): VersionedCommand => ({
  definition: { name, description },
  version,
  module: 'probe',
});

describe('command registry, pure parts', () => {
  nodeIt('names scopes and collects the commands of the given modules in order', () => {
    assert.equal(registrationScope(), 'global');
    assert.equal(registrationScope(null), 'global');
    assert.equal(registrationScope('42'), 'guild:42');
    const modules = [moduleWith('a', [command('one')]), moduleWith('b', []), moduleWith('c', [command('two'), command('three')])];
    assert.deepEqual(collectCommands(modules).map((c) => c.definition.name), ['one', 'two', 'three']);
  });

  nodeIt('registers when nothing is recorded, the set changed or the application changed', () => {
    const last = { scope: 'global', applicationId: '1', hash: 'h', commandCount: 1, registeredAt: 0 };
    assert.equal(needsRegistration({ hash: 'h', applicationId: '1' }, undefined), true);
    assert.equal(needsRegistration({ hash: 'h', applicationId: '1' }, last), false);
    assert.equal(needsRegistration({ hash: 'x', applicationId: '1' }, last), true);
    assert.equal(needsRegistration({ hash: 'h', applicationId: '2' }, last), true);
  });
});

describeEachDatabase('command registry against the simulator', ({ it, open }) => {
  let sim: Simulator;
  before(async () => {
    // This suite overwrites more often than Discord's 5 per 20 s allows; waiting out that limit proves nothing here.
    sim = await startSimulator({ port: 0, realisticRateLimits: false });
  });
  after(async () => {
    await sim.close();
  });

  /** One "start": a fresh API and repository over the same database, as a restarted hub would have. */
  const start = (database: Awaited<ReturnType<typeof open>>, modules: HubModule[], developmentGuildId?: string) =>
    registerCommands({ api: simApi(sim), applicationId: sim.applicationId, modules, repository: new CommandRegistrationRepository(database.db), developmentGuildId });

  it('registers once across two starts with unchanged commands, and again after a version bump or a new description', async () => {
    const database = await open();
    await control(sim, 'POST', '/stats/reset');
    const first = await start(database, [moduleWith('probe', [command('ping'), command('pong')])]);
    assert.deepEqual({ registered: first.registered, scope: first.scope, count: first.count }, { registered: true, scope: 'global', count: 2 });
    const second = await start(database, [moduleWith('probe', [command('pong'), command('ping')])]);
    assert.deepEqual({ registered: second.registered, hash: second.hash }, { registered: false, hash: first.hash });
    assert.equal(await requestCount(sim, GLOBAL_PUT), 1, 'an unchanged set is not sent again');

    const bumped = await start(database, [moduleWith('probe', [command('ping', '1.1.0'), command('pong')])]);
    assert.equal(bumped.registered, true);
    assert.equal(await requestCount(sim, GLOBAL_PUT), 2);
    assert.equal((await start(database, [moduleWith('probe', [command('ping', '1.1.0'), command('pong')])])).registered, false);

    const described = await start(database, [moduleWith('probe', [command('ping', '1.1.0', 'Checks that I answer'), command('pong')])]);
    assert.equal(described.registered, true);
    assert.equal(await requestCount(sim, GLOBAL_PUT), 3);
    const registered = await control<Array<{ name: string; description: string; guild_id?: string }>>(sim, 'GET', '/commands');
    assert.equal(registered.find((c) => c.name === 'ping' && !c.guild_id)?.description, 'Checks that I answer');
  });

  it('registers in the development server, as a scope of its own', async () => {
    const database = await open();
    const guild = await control<{ guildId: string }>(sim, 'POST', '/guilds', { name: 'Dev', members: [{ username: 'owner' }] });
    await control(sim, 'POST', '/stats/reset');
    const modules = [moduleWith('probe', [command('ping')])];
    const first = await start(database, modules, guild.guildId);
    assert.deepEqual({ registered: first.registered, scope: first.scope }, { registered: true, scope: `guild:${guild.guildId}` });
    assert.equal((await start(database, modules, guild.guildId)).registered, false);
    assert.equal(await requestCount(sim, GUILD_PUT), 1);
    assert.equal(await requestCount(sim, GLOBAL_PUT), 0);
    // The global scope has its own record, so the same set is still sent there once.
    assert.equal((await start(database, modules)).registered, true);
  });

  it('refuses an invalid set with every problem, before calling Discord', async () => {
    const database = await open();
    await control(sim, 'POST', '/stats/reset');
    await assert.rejects(
      start(database, [moduleWith('a', [command('Bad Name'), command('twice')]), moduleWith('b', [command('twice', 'one')])]),
      (error: unknown) => {
        assert.ok(error instanceof InvalidCommandSetError);
        assert.match(error.message, /\/Bad Name: the name must be/);
        assert.match(error.message, /\/twice is defined 2 times \(by probe, probe\)/);
        assert.match(error.message, /version "one" is not a semantic version/);
        return true;
      },
    );
    assert.equal(await requestCount(sim, GLOBAL_PUT), 0);
    assert.equal(await new CommandRegistrationRepository(database.db).find('global'), undefined);
  });

  it('records nothing when Discord refuses, so the next start tries again', async () => {
    const database = await open();
    const modules = [moduleWith('probe', [command('ping')])];
    await control(sim, 'POST', '/faults', { kind: 'http', method: 'PUT', route: '/applications/:applicationId/commands', status: 403, times: 1, body: { code: 50001, message: 'Missing Access' } });
    await assert.rejects(start(database, modules), /Missing Access/);
    await control(sim, 'DELETE', '/faults');
    assert.equal(await new CommandRegistrationRepository(database.db).find('global'), undefined);
    assert.equal((await start(database, modules)).registered, true);
  });
});
