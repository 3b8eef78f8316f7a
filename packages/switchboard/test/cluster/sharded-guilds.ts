/**
 * Guilds in the simulator that land on every shard of the cluster (Discord puts a guild on shard
 * `(guild_id >> 22) % shard_count`), each with a channel and a member to post as.
 */
import type { TestSimulator } from '../support/simulator.ts';

export type ShardedGuild = { guildId: string; shard: number; channelId: string; authorId: string };

export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The demo guild plus new guilds until every shard has at least one. */
export async function guildsOnEveryShard(sim: TestSimulator, shardCount: number): Promise<ShardedGuild[]> {
  const guilds: ShardedGuild[] = [
    { guildId: sim.demo.guildId, shard: shardOf(sim.demo.guildId, shardCount), channelId: sim.demo.channels.general!, authorId: sim.demo.members.ada! },
  ];
  for (let attempt = 0; new Set(guilds.map((g) => g.shard)).size < shardCount; attempt++) {
    if (attempt > 200) throw new Error(`could not place a guild on every one of ${shardCount} shards`);
    const created = await sim.control<{ guildId: string; channels: Record<string, string>; members: Record<string, string> }>('POST', '/guilds', {
      name: `Cluster ${attempt}`,
      channels: [{ name: 'general' }],
      members: [{ username: `cluster-member-${attempt}` }],
    });
    const shard = shardOf(created.guildId, shardCount);
    if (!guilds.some((g) => g.shard === shard)) {
      guilds.push({ guildId: created.guildId, shard, channelId: created.channels.general!, authorId: created.members[`cluster-member-${attempt}`]! });
    }
    await new Promise((resolve) => setTimeout(resolve, 1)); // the next snowflake gets another millisecond, so maybe another shard
  }
  return guilds.sort((a, b) => a.shard - b.shard);
}
