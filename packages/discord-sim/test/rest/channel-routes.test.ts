import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVE_THREADS_PER_GUILD_MAX, CHANNELS_PER_CATEGORY_MAX, CHANNELS_PER_GUILD_MAX } from 'discord-limits';
import { api, control, createTestGuild, withSim } from '../support/sim-helpers.ts';

test('a full category answers 50035 CHANNEL_PARENT_MAX_CHANNELS, a full guild 30013', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const { guildId } = await createTestGuild(sim);
    const path = `/guilds/${guildId}/channels`;
    const category = await api<{ id: string }>(sim, 'POST', path, { name: 'Full', type: 4 });
    for (let i = 0; i < CHANNELS_PER_CATEGORY_MAX; i++) {
      assert.equal((await api(sim, 'POST', path, { name: `c${i}`, parent_id: category.body.id })).status, 200);
    }
    const over = await api(sim, 'POST', path, { name: 'one too many', parent_id: category.body.id });
    assert.equal(over.status, 400);
    assert.equal(over.body.code, 50035);
    assert.equal((over.body.errors as { parent_id: { _errors: Array<{ code: string }> } }).parent_id._errors[0]?.code, 'CHANNEL_PARENT_MAX_CHANNELS');

    const existing = (await api<unknown[]>(sim, 'GET', path)).body.length;
    for (let i = existing; i < CHANNELS_PER_GUILD_MAX; i++) await api(sim, 'POST', path, { name: `g${i}` });
    const full = await api(sim, 'POST', path, { name: 'past the cap' });
    assert.deepEqual([full.status, full.body.code], [400, 30013]);
  });
});

test('channel edits and deletes dispatch and unknown ids answer Discord\'s 404 codes', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const { guildId, channels } = await createTestGuild(sim);
    const renamed = await api<{ name: string }>(sim, 'PATCH', `/channels/${channels.general}`, { name: 'lobby', topic: 'hi' });
    assert.equal(renamed.body.name, 'lobby');
    assert.equal((await api(sim, 'DELETE', `/channels/${channels.support}`)).status, 200);
    const unknowns: Array<[string, number]> = [
      [`/channels/${channels.support}`, 10003],
      [`/channels/${channels.general}/messages/1`, 10008],
      ['/guilds/1', 10004],
      ['/users/1', 10013],
      [`/guilds/${guildId}/members/1`, 10007],
    ];
    for (const [path, code] of unknowns) {
      const res = await api(sim, 'GET', path);
      assert.deepEqual([res.status, res.body.code], [404, code], path);
    }
    const snapshot = await control<{ channels: Array<{ id: string; name: string }> }>(sim, 'GET', `/guilds/${guildId}`);
    assert.equal(snapshot.channels.find((c) => c.id === channels.general)?.name, 'lobby');
  });
});

test('the active thread cap answers 160006; archived threads do not count', async () => {
  await withSim({ realisticRateLimits: false }, async (sim) => {
    const { channels } = await createTestGuild(sim);
    const path = `/channels/${channels.general}/threads`;
    let last = '';
    for (let i = 0; i < ACTIVE_THREADS_PER_GUILD_MAX; i++) {
      const res = await api<{ id: string }>(sim, 'POST', path, { name: `t${i}`, type: 11 });
      assert.equal(res.status, 200);
      last = res.body.id;
    }
    const over = await api(sim, 'POST', path, { name: 'over', type: 11 });
    assert.deepEqual([over.status, over.body.code, over.body.message], [400, 160006, 'Maximum number of active threads reached']);
    await api(sim, 'PATCH', `/channels/${last}`, { archived: true });
    assert.equal((await api(sim, 'POST', path, { name: 'fits again', type: 11 })).status, 200);
    const archived = await api<{ threads: Array<{ id: string }> }>(sim, 'GET', `/channels/${channels.general}/threads/archived/public`);
    assert.deepEqual(archived.body.threads.map((t) => t.id), [last]);
  });
});
