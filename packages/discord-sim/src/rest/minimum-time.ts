/**
 * The least time a set of requests needs under the simulator's fixed-window rate limits: a bucket that
 * took `count` requests with `limit` per `windowMs` needs ceil(count / limit) windows, and the last of
 * them opens (windows − 1) × windowMs after the first request. The global limit counts the same way.
 * The answer is the largest of these: no client, however clever, could have finished sooner. Pure.
 */

export type BucketUsage = { bucket: string; limit: number; windowMs: number; count: number };

export type MinimumTime = {
  /** From the first request to the moment the last one may be sent. */
  minimumMs: number;
  /** The bucket that sets it (`global` for the global limit); null when nothing was requested. */
  bindingBucket: string | null;
  buckets: number;
  requests: number;
};

export function minimumTime(buckets: readonly BucketUsage[], global: BucketUsage | null): MinimumTime {
  const windowsNeeded = (usage: BucketUsage) => (usage.count > 0 && usage.limit > 0 ? (Math.ceil(usage.count / usage.limit) - 1) * usage.windowMs : 0);
  let minimumMs = 0;
  let bindingBucket: string | null = null;
  // The global limit's requests are the route requests seen once more, so they are not added to the total.
  for (const usage of global ? [...buckets, global] : buckets) {
    const needed = windowsNeeded(usage);
    if (bindingBucket === null || needed > minimumMs) {
      minimumMs = needed;
      bindingBucket = usage.bucket;
    }
  }
  return { minimumMs, bindingBucket, buckets: buckets.length, requests: buckets.reduce((sum, usage) => sum + usage.count, 0) };
}
