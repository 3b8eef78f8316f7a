import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedDemoGuild } from '../../src/index.ts';
import { Permission } from '../../src/util/permissions.ts';
import { withSim } from '../support/sim-helpers.ts';

test('the demo guild has its categories, channels, roles, a dozen members and a bot without Administrator', async () => {
  await withSim({}, async (sim) => {
    const ids = seedDemoGuild(sim);
    const guild = sim.state.guilds.get(ids.guildId);
    assert.equal(guild?.name, 'Switchboard Demo');
    for (const name of ['Community', 'Support', 'Events', 'general', 'announcements', 'support', 'events', 'bot-commands']) assert.ok(ids.channels[name], name);
    assert.deepEqual([...(guild?.roles.values() ?? [])].map((r) => r.name).sort(), ['@everyone', 'Member', 'Moderator', 'Staff', 'Switchboard']);
    assert.equal(Object.keys(ids.members).length, 12);
    const general = sim.state.channels.get(ids.channels.general ?? '');
    assert.ok(general && guild);
    const bot = sim.state.channelPermissions(general, sim.botUserId);
    assert.equal(bot & Permission.Administrator, 0n);
    for (const name of ['ManageThreads', 'CreatePrivateThreads', 'ManageRoles', 'BanMembers', 'ManageEvents', 'ModerateMembers'] as const) {
      assert.ok((bot & Permission[name]) !== 0n, name);
    }
    assert.notEqual(guild.owner_id, sim.botUserId);
  });
});
