import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayIntentBits, PermissionFlagsBits } from 'discord-api-types/v10';
import { testConfig } from '../support/hub.ts';
import { runChecks } from '../../src/doctor/doctor-check.ts';
import { discordChecks } from '../../src/doctor/discord-checks.ts';
import type { HubModule } from '../../src/modules/hub-module.ts';
import { runCliAsync, tempFolder } from '../support/cli.ts';
import { SIM_BOT_TOKEN, startTestSimulator, type TestSimulator } from '../support/simulator.ts';

const moderation: HubModule = {
  name: 'moderation',
  description: 'needs to ban and to read messages',
  intents: [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
  permissions: [PermissionFlagsBits.BanMembers, PermissionFlagsBits.SendMessages],
};

describe('switchboard doctor asks Discord', () => {
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator({ application: { privilegedIntents: ['GuildMembers'] } });
  });
  after(() => sim.close());

  const config = (token = SIM_BOT_TOKEN) => testConfig({ DISCORD_TOKEN: token, DISCORD_API_URL: sim.apiBase });

  it('passes login and guilds, warns about a missing intent, and names a missing permission per guild', async () => {
    await sim.control('POST', '/guilds', { name: 'Strict Guild', botPermissions: ['ViewChannel', 'SendMessages'] });
    const results = Object.fromEntries((await runChecks(discordChecks(config(), [moderation]))).map((r) => [r.name, r]));
    assert.equal(results['Discord login']?.status, 'pass');
    assert.equal(results['Privileged intents']?.status, 'warn');
    assert.match(results['Privileged intents']?.detail ?? '', /moderation needs the Message Content intent/);
    assert.equal(results['Guilds']?.status, 'pass');
    assert.match(results['Guilds']?.detail ?? '', /2 guild/);
    assert.equal(results['Permissions']?.status, 'fail');
    assert.match(results['Permissions']?.detail ?? '', /Strict Guild: Ban Members/);
    assert.doesNotMatch(results['Permissions']?.detail ?? '', /Switchboard Demo/, 'the demo guild grants what is needed');
  });

  it('fails the login with what to do when the token is rejected', async () => {
    const results = await runChecks(discordChecks(config('MTAwMDAwMDAwMDAwMDAwMDAx.Gwrong.rejected-token-for-the-doctor-test'), [moderation]));
    const login = results.find((r) => r.name === 'Discord login');
    assert.equal(login?.status, 'fail');
    assert.match(login?.fix ?? '', /Reset Token/);
  });

  it('the doctor command checks what the built-in modules need: a missing intent warns, a missing permission fails', async () => {
    const result = await runCliAsync(['doctor'], { cwd: tempFolder(), env: { DISCORD_TOKEN: SIM_BOT_TOKEN, DISCORD_API_URL: sim.apiBase } });
    assert.match(result.stdout, /PASS\s+Discord login/);
    assert.match(result.stdout, /WARN\s+Privileged intents\s+apps needs the Message Content intent/);
    // The tickets module manages channels and threads; the strict guild does not let the bot.
    assert.match(result.stdout, /FAIL\s+Permissions\s+missing in 1 guild\(s\): Strict Guild: Manage Channels, Manage Threads/);
    assert.doesNotMatch(result.stdout, /Switchboard Demo:/);
    assert.equal(result.code, 1, result.stdout);
  });
});
