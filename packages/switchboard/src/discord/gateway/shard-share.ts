/**
 * Which shards an instance takes or gives up at one poll of the shard leases, kept pure so that the rule
 * can be tested without Redis. The rule, with S shards and n live instances:
 * - its preferred shards (SHARD_IDS) it takes whenever they are free, and never gives up for balance;
 * - other free shards it takes while it owns fewer than floor(S / n) at once, and up to ceil(S / n) only for
 *   shards that were already free at the previous poll, so that instances below their share go first;
 * - above ceil(S / n), or above floor(S / n) while another live instance is below it and no shard is free,
 *   it hands over one shard per poll (not a preferred one) — in the second case only the most loaded
 *   instance does (ties broken by owner token), so that shards move one at a time and only when needed;
 * - at its first poll (`joining`) it takes only its preferred shards: instances started together first all
 *   count themselves live, instead of the quickest one taking every shard and handing them over again.
 */
export type ShareInput = {
  shardCount: number;
  /** The shards this instance takes first (SHARD_IDS); may be empty. */
  preferred: readonly number[];
  owned: ReadonlySet<number>;
  /** Shards nobody holds a lease on now. */
  free: readonly number[];
  /** Shards that were free at the previous poll too. */
  freeBefore: ReadonlySet<number>;
  /** Live instances, this one included. */
  liveInstances: number;
  /** This instance's owner token and, for each other live instance, its token and how many shards it holds. */
  self?: string;
  others?: readonly { owner: string; count: number }[];
  /** This is the instance's first poll. */
  joining?: boolean;
};

export type SharePlan = { take: number[]; release: number[] };

export function fairShare(shardCount: number, liveInstances: number): { floor: number; ceil: number } {
  const n = Math.max(1, liveInstances);
  return { floor: Math.floor(shardCount / n), ceil: Math.ceil(shardCount / n) };
}

export function planShare(input: ShareInput): SharePlan {
  const { floor, ceil } = fairShare(input.shardCount, input.liveInstances);
  const preferred = new Set(input.preferred);
  const free = [...new Set(input.free)].filter((id) => !input.owned.has(id)).sort((a, b) => a - b);
  const take = free.filter((id) => preferred.has(id));
  let count = input.owned.size + take.length;
  for (const id of free) {
    if (preferred.has(id) || input.joining) continue;
    if (count < floor || (count < ceil && input.freeBefore.has(id))) {
      take.push(id);
      count++;
    }
  }
  const release: number[] = [];
  const others = input.others ?? [];
  const starving = free.length === 0 && others.some((o) => o.count < floor);
  const mostLoaded = others.every((o) => o.count < input.owned.size || (o.count === input.owned.size && (input.self ?? '') < o.owner));
  if (take.length === 0 && (input.owned.size > ceil || (starving && input.owned.size > floor && mostLoaded))) {
    const candidate = [...input.owned].filter((id) => !preferred.has(id)).sort((a, b) => b - a)[0];
    if (candidate !== undefined) release.push(candidate);
  }
  return { take, release };
}
