import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayDispatchPayload } from 'discord-api-types/v10';
import { GuildDirectory, guildIconUrl } from '../../src/discord/guild-directory.ts';

// Shard of a guild with 2 shards: (id >> 22) % 2. These ids are chosen so that A and B are on shard 0, C on shard 1.
const A = String(0n << 22n | 1n);
const B = String(2n << 22n | 5n);
const C = String(3n << 22n | 7n);

const event = (t: string, d: unknown) => ({ op: 0, s: 1, t, d }) as unknown as GatewayDispatchPayload;
const created = (id: string, name: string, icon: string | null = null) => event('GUILD_CREATE', { id, name, icon, channels: [], threads: [] });

describe('the guild directory', () => {
  it('learns guilds from GUILD_CREATE and GUILD_UPDATE and lists them by name', () => {
    const guilds = new GuildDirectory();
    guilds.observe(created(A, 'Zebra Club', 'a1b2'));
    guilds.observe(created(B, 'alpha team'));
    assert.deepEqual(guilds.list().map((g) => g.name), ['alpha team', 'Zebra Club']);
    guilds.observe(event('GUILD_UPDATE', { id: B, name: 'Beta Team', icon: 'ffee' }));
    assert.deepEqual(guilds.get(B), { id: B, name: 'Beta Team', icon: 'ffee' });
  });

  it('forgets a guild the bot left, but keeps one that is only unavailable', () => {
    const guilds = new GuildDirectory();
    guilds.observe(created(A, 'Outage'));
    guilds.observe(created(B, 'Kicked'));
    guilds.observe(event('GUILD_DELETE', { id: A, unavailable: true }));
    guilds.observe(event('GUILD_CREATE', { id: A, unavailable: true }));
    guilds.observe(event('GUILD_DELETE', { id: B }));
    assert.deepEqual(guilds.list(), [{ id: A, name: 'Outage', icon: null }]);
  });

  it("drops on a shard's READY the guilds of that shard it no longer lists, and no other shard's", () => {
    const guilds = new GuildDirectory();
    for (const [id, name] of [[A, 'a'], [B, 'b'], [C, 'c']] as const) guilds.observe(created(id, name));
    guilds.observe(event('READY', { v: 10, user: { id: '1' }, guilds: [{ id: A, unavailable: true }], session_id: 's', resume_gateway_url: 'wss://x', shard: [0, 2], application: { id: '1', flags: 0 } }));
    assert.deepEqual(guilds.list().map((g) => g.id), [A, C]);
  });

  it('builds the CDN icon URL, or null without an icon', () => {
    assert.equal(guildIconUrl({ id: A, name: 'x', icon: 'a_9f8e' }), `https://cdn.discordapp.com/icons/${A}/a_9f8e.png`);
    assert.equal(guildIconUrl({ id: A, name: 'x', icon: null }), null);
  });
});
