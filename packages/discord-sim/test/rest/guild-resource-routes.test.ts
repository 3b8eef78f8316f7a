import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectRaw } from '../support/raw-gateway.ts';
import { api, createTestGuild, withSim } from '../support/sim-helpers.ts';

const ALL_GUILD_INTENTS = 1 | (1 << 1) | (1 << 2) | (1 << 16);

test('roles, member edits, bans and scheduled events change state and dispatch the matching events', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const ids = await createTestGuild(sim);
    const gw = await connectRaw(sim.gatewayUrl);
    gw.identify(sim.botToken, ALL_GUILD_INTENTS);
    await gw.dispatch('GUILD_CREATE');

    const role = await api<{ id: string; name: string }>(sim, 'POST', `/guilds/${ids.guildId}/roles`, { name: 'Tickets', permissions: '0' });
    assert.equal(role.status, 200);
    await gw.dispatch('GUILD_ROLE_CREATE');
    assert.equal((await api(sim, 'PUT', `/guilds/${ids.guildId}/members/${ids.members.alice}/roles/${role.body.id}`)).status, 204);
    const until = new Date(Date.now() + 60_000).toISOString();
    const timedOut = await api<{ communication_disabled_until: string; roles: string[] }>(sim, 'PATCH', `/guilds/${ids.guildId}/members/${ids.members.alice}`, { communication_disabled_until: until });
    assert.equal(timedOut.body.communication_disabled_until, until);
    assert.deepEqual(timedOut.body.roles, [role.body.id]);
    await gw.next((p) => p.t === 'GUILD_MEMBER_UPDATE' && (p.d as { communication_disabled_until: string | null }).communication_disabled_until === until, 'member update');
    // The default bot role has no ManageNicknames.
    assert.equal((await api(sim, 'PATCH', `/guilds/${ids.guildId}/members/${ids.members.alice}`, { nick: 'Al' })).body.code, 50013);
    assert.equal((await api(sim, 'DELETE', `/guilds/${ids.guildId}/roles/${role.body.id}`)).status, 204);
    await gw.dispatch('GUILD_ROLE_DELETE');

    assert.equal((await api(sim, 'PUT', `/guilds/${ids.guildId}/bans/${ids.members.alice}`)).status, 204);
    await gw.dispatch('GUILD_BAN_ADD');
    await gw.dispatch('GUILD_MEMBER_REMOVE');
    assert.equal((await api(sim, 'GET', `/guilds/${ids.guildId}/members/${ids.members.alice}`)).body.code, 10007);

    const start = new Date(Date.now() + 3_600_000).toISOString();
    const missing = await api(sim, 'POST', `/guilds/${ids.guildId}/scheduled-events`, { name: 'Meetup', privacy_level: 2, scheduled_start_time: start, entity_type: 3 });
    assert.equal(missing.body.code, 50035);
    const event = await api<{ id: string; status: number }>(sim, 'POST', `/guilds/${ids.guildId}/scheduled-events`, {
      name: 'Meetup',
      privacy_level: 2,
      scheduled_start_time: start,
      scheduled_end_time: new Date(Date.now() + 7_200_000).toISOString(),
      entity_type: 3,
      entity_metadata: { location: 'Online' },
    });
    assert.equal(event.status, 200);
    await gw.dispatch('GUILD_SCHEDULED_EVENT_CREATE');
    await api(sim, 'PATCH', `/guilds/${ids.guildId}/scheduled-events/${event.body.id}`, { status: 2 });
    await gw.dispatch('GUILD_SCHEDULED_EVENT_UPDATE');
    assert.equal((await api(sim, 'DELETE', `/guilds/${ids.guildId}/scheduled-events/${event.body.id}`)).status, 204);
    await gw.dispatch('GUILD_SCHEDULED_EVENT_DELETE');
    assert.deepEqual((await api(sim, 'GET', `/guilds/${ids.guildId}/scheduled-events`)).body, []);
    gw.close();
  });
});

test('application commands: upsert by name, bulk overwrite, validation and unknown ids', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const base = `/applications/${sim.applicationId}/commands`;
    const first = await api<{ id: string }>(sim, 'POST', base, { name: 'ping', description: 'v1' });
    const again = await api<{ id: string; description: string }>(sim, 'POST', base, { name: 'ping', description: 'v2' });
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.description, 'v2');
    const bad = await api(sim, 'POST', base, { name: 'Bad Name', description: '' });
    assert.equal(bad.body.code, 50035);
    assert.deepEqual(Object.keys(bad.body.errors as object).sort(), ['description', 'name']);
    const overwritten = await api<Array<{ name: string }>>(sim, 'PUT', base, [{ name: 'a', description: 'a' }, { name: 'b', description: 'b' }]);
    assert.deepEqual(overwritten.body.map((c) => c.name), ['a', 'b']);
    assert.equal((await api<unknown[]>(sim, 'GET', base)).body.length, 2);
    assert.equal((await api(sim, 'DELETE', `${base}/${first.body.id}`)).body.code, 10063);
    assert.equal((await api(sim, 'GET', '/applications/1/commands')).body.code, 10002);
  });
});

test('messages: list with before/after/around and limit, bulk delete, reactions from the bot', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const { channels } = await createTestGuild(sim);
    const path = `/channels/${channels.general}/messages`;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await api<{ id: string }>(sim, 'POST', path, { content: `m${i}` })).body.id);
    const contents = async (query: string) => (await api<Array<{ content: string }>>(sim, 'GET', `${path}?${query}`)).body.map((m) => m.content);
    assert.deepEqual(await contents('limit=3'), ['m9', 'm8', 'm7']);
    assert.deepEqual(await contents(`limit=2&before=${ids[5]}`), ['m4', 'm3']);
    assert.deepEqual(await contents(`limit=2&after=${ids[5]}`), ['m7', 'm6']);
    assert.deepEqual(await contents(`limit=3&around=${ids[5]}`), ['m6', 'm5', 'm4']);
    assert.equal((await api(sim, 'PUT', `${path}/${ids[0]}/reactions/${encodeURIComponent('✅')}/@me`)).status, 204);
    const reacted = await api<{ reactions: Array<{ count: number; me: boolean }> }>(sim, 'GET', `${path}/${ids[0]}`);
    assert.deepEqual(reacted.body.reactions.map((r) => [r.count, r.me]), [[1, true]]);
    assert.equal((await api(sim, 'POST', `${path}/bulk-delete`, { messages: ids.slice(0, 5) })).status, 204);
    assert.deepEqual(await contents('limit=100'), ['m9', 'm8', 'm7', 'm6', 'm5']);
  });
});
