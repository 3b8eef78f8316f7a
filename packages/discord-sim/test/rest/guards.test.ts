import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, control, createTestGuild, withSim } from '../support/sim-helpers.ts';

const VIEW_CHANNEL = 1n << 10n;
const SEND_MESSAGES = 1n << 11n;

test('permissions: missing ones answer 403 50013, an unseen channel 50001, and overwrites and roles count', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim, { botPermissions: ['ViewChannel', 'SendMessages', 'ReadMessageHistory'] });
    const readOnly = await api(sim, 'POST', `/guilds/${ids.guildId}/channels`, { name: 'x' });
    assert.deepEqual([readOnly.status, readOnly.body.code, readOnly.body.message], [403, 50013, 'Missing Permissions']);
    assert.equal((await api(sim, 'PUT', `/guilds/${ids.guildId}/bans/${ids.members.alice}`)).body.code, 50013);
    assert.equal((await api(sim, 'POST', `/guilds/${ids.guildId}/roles`, { name: 'r' })).body.code, 50013);
    assert.equal((await api(sim, 'PATCH', `/guilds/${ids.guildId}/members/${ids.members.alice}`, { communication_disabled_until: new Date(Date.now() + 60_000).toISOString() })).body.code, 50013);

    const user = await control<{ id: string }>(sim, 'POST', `/channels/${ids.channels.general}/messages`, { authorId: ids.members.alice, content: 'mine' });
    assert.equal((await api(sim, 'DELETE', `/channels/${ids.channels.general}/messages/${user.id}`)).body.code, 50013);
    assert.equal((await api(sim, 'POST', `/channels/${ids.channels.general}/messages`, { content: 'allowed' })).status, 200);
  });
});

test('a channel overwrite denying SendMessages to @everyone blocks the bot; one allowing its role lets it through', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim, { botPermissions: ['ViewChannel', 'SendMessages', 'ManageChannels', 'ManageRoles', 'ReadMessageHistory'] });
    const deny = [{ id: ids.guildId, type: 0, allow: '0', deny: SEND_MESSAGES.toString() }];
    await api(sim, 'PATCH', `/channels/${ids.channels.general}`, { permission_overwrites: deny });
    const blocked = await api(sim, 'POST', `/channels/${ids.channels.general}/messages`, { content: 'x' });
    assert.deepEqual([blocked.status, blocked.body.code], [403, 50013]);
    const botRole = ids.roles.Switchboard ?? '';
    const allowBot = [...deny, { id: botRole, type: 0, allow: SEND_MESSAGES.toString(), deny: '0' }];
    await api(sim, 'PATCH', `/channels/${ids.channels.general}`, { permission_overwrites: allowBot });
    assert.equal((await api(sim, 'POST', `/channels/${ids.channels.general}/messages`, { content: 'x' })).status, 200);
    await api(sim, 'PATCH', `/channels/${ids.channels.support}`, { permission_overwrites: [{ id: ids.guildId, type: 0, allow: '0', deny: VIEW_CHANNEL.toString() }, { id: botRole, type: 0, allow: '0', deny: VIEW_CHANNEL.toString() }] });
    assert.deepEqual((await api(sim, 'GET', `/channels/${ids.channels.support}/messages`)).body.code, 50001);
  });
});

test('role hierarchy: the bot cannot ban or edit members whose top role is not below its own', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim);
    // Helper was created before the bot's role, so it sits below it; the owner is above everyone.
    assert.equal((await api(sim, 'PUT', `/guilds/${ids.guildId}/bans/${ids.members.bob}`, {}, sim.botToken, { 'X-Audit-Log-Reason': encodeURIComponent('spam') })).status, 204);
    const bans = await api<Array<{ reason: string; user: { id: string } }>>(sim, 'GET', `/guilds/${ids.guildId}/bans`);
    assert.deepEqual(bans.body.map((b) => [b.user.id, b.reason]), [[ids.members.bob, 'spam']]);
    assert.equal((await api(sim, 'PUT', `/guilds/${ids.guildId}/bans/${ids.ownerId}`)).body.code, 50013);
  });
});

test('REST refuses a missing or wrong bot token with 401 and counts it as invalid', async () => {
  await withSim({}, async (sim) => {
    const none = await api(sim, 'GET', '/users/@me', undefined, null);
    assert.deepEqual([none.status, none.body], [401, { message: '401: Unauthorized', code: 0 }]);
    assert.equal((await api(sim, 'GET', '/users/@me', undefined, 'nope')).status, 401);
    const stats = await control<{ rest: { invalidRequests: { lastWindow: number } } }>(sim, 'GET', '/stats');
    assert.equal(stats.rest.invalidRequests.lastWindow, 2);
  });
});
