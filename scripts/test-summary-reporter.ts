/**
 * A Node test reporter that adds one line per database to the run's summary: how many storage tests
 * ran on SQLite and on PostgreSQL (and against Redis), and what was skipped and why. Storage tests carry
 * the dialect in their name (`… [sqlite]`, `… [postgres]`, see `test/support/databases.ts`); a test in a
 * suite tagged `[redis]` counts for Redis. A suite skipped whole counts as one skipped.
 */
import type { TestEvent } from 'node:test/reporters';

type Counts = { passed: number; failed: number; skipped: number };

export default async function* summary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const stacks = new Map<string, string[]>();
  const counts: Record<string, Counts> = {
    sqlite: { passed: 0, failed: 0, skipped: 0 },
    postgres: { passed: 0, failed: 0, skipped: 0 },
    redis: { passed: 0, failed: 0, skipped: 0 },
  };
  const skipReasons = new Set<string>();
  for await (const event of source) {
    if (event.type === 'test:start') {
      const key = event.data.file ?? '';
      const stack = stacks.get(key) ?? [];
      stack.length = event.data.nesting;
      stack.push(event.data.name);
      stacks.set(key, stack);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const skipped = event.data.skip !== undefined && event.data.skip !== false;
    // A suite skipped as a whole (its service is missing) has no tests to count: count it once.
    if (event.data.details.type !== 'test' && !skipped) continue;
    const stack = stacks.get(event.data.file ?? '') ?? [];
    const names = `${event.data.name} ${stack.slice(0, event.data.nesting).join(' ')}`;
    const dialect = /\[(sqlite|postgres|redis)\]/.exec(names)?.[1];
    if (!dialect) continue;
    const bucket = counts[dialect]!;
    if (event.type === 'test:fail') bucket.failed++;
    else if (skipped) {
      bucket.skipped++;
      if (typeof event.data.skip === 'string') skipReasons.add(event.data.skip);
    } else bucket.passed++;
  }
  const line = (label: string, c: Counts) =>
    `ℹ ${label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped\n`;
  yield '\n';
  yield line('storage tests on SQLite', counts.sqlite!);
  yield line('storage tests on PostgreSQL', counts.postgres!);
  yield line('tests against Redis', counts.redis!);
  for (const reason of skipReasons) yield `ℹ skipped: ${reason}\n`;
}
