/**
 * OAuth consumption: for each state, many concurrent callbacks consume it through OAuthSessionStore (the
 * code the link routes use); exactly one may succeed. Reports the latency of each consume call, on SQLite
 * and on PostgreSQL. Baseline: the bare conditional `UPDATE … RETURNING` through the same Kysely handle,
 * raced the same way. Also reported: the latency of each state's first callback (the one that claims the
 * session in the database: the service time, without waiting behind others) and whether every refused
 * callback was counted on its session (the store counts joined callbacks in memory and writes them later).
 */
import { measure, type Measurement } from '../lib/results.ts';
import { openBenchDatabase } from '../lib/databases.ts';
import { summarize } from '../lib/percentiles.ts';
import type { Scenario } from '../lib/scenario.ts';
import { OAuthSessionStore } from '../../packages/switchboard/src/modules/linking/oauth-session-store.ts';
import { hashToken, randomToken } from '../../packages/switchboard/src/modules/linking/oauth-state.ts';
import { SecretBox, generateEncryptionKey } from '../../packages/switchboard/src/security/secret-box.ts';
import type { Database } from '../../packages/switchboard/src/storage/database.ts';
import { OAuthSessionRepository } from '../../packages/switchboard/src/storage/oauth-session-repository.ts';

type Sizes = { states: number; callbacks: number };

type StoreRun = { latencies: number[]; firstLatencies: number[]; wrongStates: number; uncountedRefusals: number };

/**
 * Store consumption: every call's latency, each state's first call's latency, the states that did not get
 * exactly one success, and how far the refusals counted on the sessions are from the refusals answered.
 */
async function consumeThroughStore(database: Database, sizes: Sizes): Promise<StoreRun> {
  const store = new OAuthSessionStore(new OAuthSessionRepository(database.db), new SecretBox([generateEncryptionKey('bench')]));
  const latencies: number[] = [];
  const firstLatencies: number[] = [];
  let wrongStates = 0;
  let refused = 0;
  for (let i = 0; i < sizes.states; i++) {
    const now = Date.now();
    const session = await store.begin({ discordUserId: `10000000000000${i}`, platform: 'twitch', pkce: true, ip: '127.0.0.1', userAgent: 'bench', now });
    const outcomes = await Promise.all(
      Array.from({ length: sizes.callbacks }, async (_, callback) => {
        const started = performance.now();
        const result = await store.consume({ state: session.state, browserBinding: session.browserBinding, platform: 'twitch', ip: '127.0.0.1', now });
        const latency = performance.now() - started;
        latencies.push(latency);
        if (callback === 0) firstLatencies.push(latency);
        return result.ok;
      }),
    );
    if (outcomes.filter(Boolean).length !== 1) wrongStates++;
    refused += outcomes.filter((ok) => !ok).length;
  }
  await store.flushRefusals();
  const counted = (await store.stats(Date.now())).replaysRefused;
  return { latencies, firstLatencies, wrongStates, uncountedRefusals: Math.abs(refused - counted) };
}

/** The baseline: the same race on bare rows, one conditional UPDATE … RETURNING per callback. */
async function consumeBare(database: Database, sizes: Sizes): Promise<{ latencies: number[]; wrongStates: number }> {
  const repository = new OAuthSessionRepository(database.db);
  const latencies: number[] = [];
  let wrongStates = 0;
  for (let i = 0; i < sizes.states; i++) {
    const now = Date.now();
    const stateHash = hashToken(randomToken());
    await repository.insert({
      id: `bare-${i}-${now}`,
      stateHash,
      browserBindingHash: hashToken(randomToken()),
      discordUserId: `20000000000000${i}`,
      platform: 'twitch',
      sealedCodeVerifier: null,
      ipAddress: '127.0.0.1',
      userAgent: 'bench',
      createdAt: now,
      expiresAt: now + 600_000,
    });
    const outcomes = await Promise.all(
      Array.from({ length: sizes.callbacks }, async () => {
        const started = performance.now();
        const row = await database.db
          .updateTable('oauth_sessions')
          .set({ used_at: now })
          .where('state_hash', '=', stateHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('id')
          .executeTakeFirst();
        latencies.push(performance.now() - started);
        return row !== undefined;
      }),
    );
    if (outcomes.filter(Boolean).length !== 1) wrongStates++;
  }
  return { latencies, wrongStates };
}

export const oauthScenario: Scenario = {
  name: 'oauth',
  description: 'concurrent OAuth callbacks per state through OAuthSessionStore, SQLite and PostgreSQL; baseline: bare UPDATE … RETURNING',
  async run({ quick, log, note }) {
    const sizes: Sizes = quick ? { states: 10, callbacks: 100 } : { states: 100, callbacks: 500 };
    note(`${sizes.states} states × ${sizes.callbacks} concurrent callbacks each`);
    const measurements: Measurement[] = [];
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const opened = await openBenchDatabase(dialect);
      if ('unavailable' in opened) {
        note(`${dialect} skipped: ${opened.unavailable}`);
        continue;
      }
      try {
        const bare = await consumeBare(opened.database, sizes);
        const store = await consumeThroughStore(opened.database, sizes);
        const storeSummary = summarize(store.latencies);
        const bareSummary = summarize(bare.latencies);
        const firstSummary = summarize(store.firstLatencies);
        log(`${dialect}: store p50 ${storeSummary.p50.toFixed(2)} ms p99 ${storeSummary.p99.toFixed(2)} ms (first callback p99 ${firstSummary.p99.toFixed(2)} ms); bare p99 ${bareSummary.p99.toFixed(2)} ms`);
        measurements.push(
          measure({ metric: `${dialect}: states without exactly one success`, unit: 'states', value: store.wrongStates, target: { kind: 'at-most', limit: 0 } }),
          measure({ metric: `${dialect}: consume p50`, unit: 'ms', value: storeSummary.p50, baseline: { name: 'bare UPDATE', value: bareSummary.p50 } }),
          measure({ metric: `${dialect}: consume p99`, unit: 'ms', value: storeSummary.p99, baseline: { name: 'bare UPDATE', value: bareSummary.p99 }, target: { kind: 'at-most', limit: 5 } }),
          measure({ metric: `${dialect}: first callback per state p99`, unit: 'ms', value: firstSummary.p99 }),
          measure({ metric: `${dialect}: refusals not counted on their session`, unit: 'callbacks', value: store.uncountedRefusals, target: { kind: 'at-most', limit: 0 } }),
          measure({ metric: `${dialect}: bare UPDATE wrong states`, unit: 'states', value: bare.wrongStates }),
        );
      } finally {
        await opened.dispose();
      }
    }
    return measurements;
  },
};
