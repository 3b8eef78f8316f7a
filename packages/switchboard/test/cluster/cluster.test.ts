/**
 * Three hub instances as separate processes (`switchboard start`), sharing one PostgreSQL schema and one Redis
 * key prefix, with SHARD_COUNT=4 against the simulator. Shows that the shards are split across the instances,
 * that each event reaches each app once, that a job runs once per due time, that a guild configuration change
 * and a rate limit are shared, and that a SIGKILLed instance's shards are RESUMEd elsewhere within 30 s with
 * nothing lost. Needs TEST_POSTGRES_URL and TEST_REDIS_URL (skipped without them; failed under CI).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { BotStatus } from '../../src/discord/bot-status.ts';
import { freePort, runCli, tempFolder } from '../support/cli.ts';
import { eventually, startTestSimulator, type SimStats, type TestSimulator } from '../support/simulator.ts';
import type { WebhookReceiver } from '../support/webhook-receiver.ts';
import { ledgerOf } from '../reliability/support/delivery-ledger.ts';
import { api, killHard, prepareHubFolder, startHubProcess, stopHub, subscribeReceiver, type HubFolder, type HubProcess } from '../reliability/support/hub-process.ts';
import { clusterServices, createSchema, deleteKeys, uniqueKeyPrefix } from './cluster-services.ts';
import { guildsOnEveryShard, type ShardedGuild } from './sharded-guilds.ts';

const SHARD_COUNT = 4;
const INSTANCES = ['hub-a', 'hub-b', 'hub-c'] as const;
const REMINDER_CHECK_MS = 400;
const API_BUDGET_PER_MINUTE = 100;

const services = await clusterServices();

type Instance = { name: string; folder: HubFolder; hub: HubProcess };

describe('cluster: three instances share the shards and the work', { skip: services.available ? false : services.reason, timeout: 120_000 }, () => {
  if (!services.available) return;
  const keyPrefix = uniqueKeyPrefix();
  let sim: TestSimulator;
  let schema: Awaited<ReturnType<typeof createSchema>>;
  let instances: Instance[] = [];
  let guilds: ShardedGuild[];
  const receivers: WebhookReceiver[] = [];
  let sent = 0;

  const status = async (instance: Instance) => {
    const response = await api<{ data: BotStatus }>(instance.hub.url, instance.folder.adminToken, 'GET', '/api/v1/status');
    assert.equal(response.status, 200, `status of ${instance.name}: ${JSON.stringify(response.body)}`);
    return response.body.data;
  };

  /** Which live instance runs each shard, and in which state. */
  const ownership = async (among: readonly Instance[]) => {
    const owners = new Map<number, { instance: string; state: string }[]>();
    for (const instance of among) {
      for (const shard of (await status(instance)).shards) owners.set(shard.id, [...(owners.get(shard.id) ?? []), { instance: instance.name, state: shard.state }]);
    }
    return owners;
  };

  const allShardsReadyOnce = async (among: readonly Instance[]) => {
    const owners = await ownership(among);
    return Array.from({ length: SHARD_COUNT }, (_, id) => owners.get(id)).every((o) => o?.length === 1 && o[0]!.state === 'ready');
  };

  /** Posts messages round-robin over the guilds (so over every shard); each content is unique. */
  const post = async (count: number, label: string): Promise<string[]> => {
    const contents: string[] = [];
    for (let i = 0; i < count; i++) {
      const guild = guilds[i % guilds.length]!;
      const content = `${label} ${++sent}`;
      await sim.control('POST', `/channels/${guild.channelId}/messages`, { authorId: guild.authorId, content });
      contents.push(content);
    }
    return contents;
  };

  /** Waits like `eventually`; on a timeout, says who runs which shard and shows the end of each instance's log. */
  const waitFor = async (check: () => Promise<boolean>, description: string, timeoutMs: number, among: readonly Instance[] = instances) => {
    try {
      await eventually(check, description, timeoutMs);
    } catch (error) {
      const owners = await ownership(among).catch((e: unknown) => String(e));
      const logs = among.map((i) => `--- ${i.name}\n${i.hub.output().slice(-4_000)}`).join('\n');
      throw new Error(`${(error as Error).message}; shards: ${JSON.stringify(owners instanceof Map ? [...owners] : owners)}\n${logs}`, { cause: error });
    }
  };

  /** Polls no more than once a second: each check spends API budget (API_RATE_LIMIT_PER_MINUTE is low here). */
  const everySecond = (check: () => Promise<boolean>) => async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return check();
  };

  const deliveredToAll = (contents: readonly string[]) => receivers.every((r) => ledgerOf(r.received, contents).missing.length === 0);

  before(async () => {
    sim = await startTestSimulator({ heartbeatIntervalMs: 5_000 });
    // Two identify buckets: the instances' shared identify gate lets two shards identify per 5 s.
    sim.state.application.maxConcurrency = 2;
    guilds = await guildsOnEveryShard(sim, SHARD_COUNT);
    schema = await createSchema(services.postgresUrl);
    const shared = {
      DATABASE_URL: schema.url,
      ENCRYPTION_KEYS: `cluster:${randomBytes(32).toString('base64')}`,
      REDIS_URL: services.redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      SHARD_COUNT: String(SHARD_COUNT),
      JOB_TICK_MS: '50',
      ATTENDANCE_REMINDER_CHECK_MS: String(REMINDER_CHECK_MS),
      API_RATE_LIMIT_PER_MINUTE: String(API_BUDGET_PER_MINUTE),
      IP_RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'info',
    };
    // The first folder migrates the schema; each instance gets its own folder, port and admin token (its own API budget).
    const firstFolder = await prepareHubFolder(sim, { ...shared, INSTANCE_ID: INSTANCES[0] });
    const folders: { name: string; folder: HubFolder }[] = [{ name: INSTANCES[0], folder: firstFolder }];
    for (const name of INSTANCES.slice(1)) {
      const port = await freePort();
      const folder = { cwd: tempFolder(), port, url: `http://127.0.0.1:${port}`, env: { ...firstFolder.env, PORT: String(port), INSTANCE_ID: name } };
      const created = runCli(['token', 'create', '--name', name, '--role', 'admin'], { cwd: folder.cwd, env: folder.env });
      assert.equal(created.code, 0, created.stderr);
      folders.push({ name, folder: { ...folder, adminToken: created.stdout.trim() } });
    }
    instances = await Promise.all(folders.map(async ({ name, folder }) => ({ name, folder, hub: await startHubProcess(folder, 30_000) })));
    // Instances started together first see each other, then share: 2 + 1 + 1 shards, each READY once.
    await waitFor(
      everySecond(async () => (await allShardsReadyOnce(instances)) && (await Promise.all(instances.map(status))).every((s) => s.shards.length >= 1)),
      'every shard is ready on exactly one instance, and each instance runs one',
      45_000,
    );

    const [first] = instances;
    for (const id of ['cluster-one', 'cluster-two']) {
      const { app, receiver } = await subscribeReceiver(first!.hub.url, first!.folder.adminToken, { id, guildId: guilds[0]!.guildId, channelId: guilds[0]!.channelId });
      receivers.push(receiver);
      const widened = await api(first!.hub.url, first!.folder.adminToken, 'PATCH', `/api/v1/apps/${app.id}`, {
        guilds: guilds.map((g) => g.guildId),
        subscribedChannels: guilds.map((g) => g.channelId),
      });
      assert.equal(widened.status, 200, JSON.stringify(widened.body));
    }
    // The other instances reload their app directory every few seconds: probe until every shard's owner routes to both apps.
    await eventually(
      async () => {
        const probes = await post(guilds.length, 'probe');
        await new Promise((resolve) => setTimeout(resolve, 300));
        return deliveredToAll(probes);
      },
      'every instance routes messages to both apps',
      20_000,
    );
  });

  after(async () => {
    await Promise.all(instances.map((i) => stopHub(i.hub)));
    await Promise.all(receivers.map((r) => r.close()));
    await sim?.close();
    await schema?.drop();
    await deleteKeys(services.redisUrl, keyPrefix);
  });

  it('splits the 4 shards across the 3 instances, each shard on exactly one', async () => {
    const owners = await ownership(instances);
    for (let id = 0; id < SHARD_COUNT; id++) assert.equal(owners.get(id)?.length, 1, `shard ${id}: ${JSON.stringify(owners.get(id))}`);
    const counts = (await Promise.all(instances.map(status))).map((s) => s.shards.length).sort();
    assert.deepEqual(counts, [1, 1, 2]);
  });

  it('delivers every MESSAGE_CREATE exactly once to each of two apps, over all 4 shards', async () => {
    const contents = await post(300, 'once');
    await eventually(() => deliveredToAll(contents), 'both apps received all 300 messages', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show up
    for (const receiver of receivers) {
      const ledger = ledgerOf(receiver.received, contents);
      assert.deepEqual(
        { distinct: ledger.distinct >= contents.length, missing: ledger.missing, duplicates: ledger.duplicates, unverified: ledger.unverified, idMismatches: ledger.idMismatches },
        { distinct: true, missing: [], duplicates: 0, unverified: 0, idMismatches: [] },
      );
    }
  });

  it('runs a job once per due time across the three instances', async () => {
    await new Promise((resolve) => setTimeout(resolve, 8 * REMINDER_CHECK_MS));
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    const { rows } = await client.query<{ instance_id: string; started_at: string }>(
      `select instance_id, started_at from job_runs where job_name = 'attendance-reminders' order by started_at`,
    );
    await client.end();
    assert.ok(rows.length >= 8, `runs: ${rows.length}`);
    const starts = rows.map((r) => Number(r.started_at));
    const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
    // The next due time is the previous start plus the interval: two runs for one due time would be closer.
    assert.ok(Math.min(...gaps) >= REMINDER_CHECK_MS, `gaps between runs (ms): ${gaps.join(', ')}`);
    const ran = new Set(rows.map((r) => r.instance_id));
    assert.ok([...ran].every((id) => (INSTANCES as readonly string[]).includes(id)), [...ran].join(', '));
    assert.ok(ran.size >= 2, `the runs are spread over the instances: ${[...ran].join(', ')}`);
  });

  it('a guild configuration changed through one instance is seen by the others within 1 s', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const guildId = guilds[0]!.guildId;
    const labels = async (instance: Instance) =>
      (await api<{ data: { yes: string } }>(instance.hub.url, instance.folder.adminToken, 'GET', `/api/v1/guilds/${guildId}/attendance-labels`)).body.data.yes;
    // B and C now hold the guild's configuration in their caches (kept 30 s unless told otherwise).
    assert.deepEqual([await labels(b), await labels(c)], ['Yes', 'Yes']);
    const changed = await api(a.hub.url, a.folder.adminToken, 'PATCH', `/api/v1/guilds/${guildId}/config`, { attendance: { labels: { yes: 'Count me in' } } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const at = Date.now();
    const seen = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (await labels(b)) === 'Count me in' && (await labels(c)) === 'Count me in';
    };
    await eventually(seen, 'B and C see the change', 1_000);
    assert.ok(Date.now() - at <= 1_000);
  });

  it('shares the per-token rate limit: limited on one instance, refused by another too', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const created = runCli(['token', 'create', '--name', 'rate-limited', '--role', 'viewer'], { cwd: a.folder.cwd, env: a.folder.env });
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    let allowed = 0;
    for (;;) {
      const response = await api(a.hub.url, token, 'GET', '/api/v1/status');
      if (response.status === 429) break;
      assert.equal(response.status, 200);
      allowed++;
      assert.ok(allowed <= API_BUDGET_PER_MINUTE + 10, 'instance A never limited the token');
    }
    // The bucket starts full and refills a little while it is being emptied.
    assert.ok(allowed >= API_BUDGET_PER_MINUTE && allowed <= API_BUDGET_PER_MINUTE + 5, `allowed on A: ${allowed}`);
    assert.equal((await api(b.hub.url, token, 'GET', '/api/v1/status')).status, 429, 'B refuses the same token');
    assert.equal((await api(c.hub.url, token, 'GET', '/api/v1/status')).status, 429, 'C refuses the same token');
    assert.equal((await api(b.hub.url, b.folder.adminToken, 'GET', '/api/v1/status')).status, 200, 'another token is unaffected');
  });

  it('SIGKILL of an instance: its shards are RESUMEd on another within 30 s; messages sent during and after all arrive, once per app', async (t) => {
    const owners = await ownership(instances);
    const shardsOf = (name: string) => [...owners].filter(([, o]) => o.some((x) => x.instance === name)).map(([id]) => id);
    const victim = [...instances].sort((x, y) => shardsOf(y.name).length - shardsOf(x.name).length)[0]!;
    const orphaned = shardsOf(victim.name);
    const survivors = instances.filter((i) => i !== victim);
    const before = await sim.control<SimStats>('GET', '/stats');

    // Killed right after its deliveries went out, so that its stored sequence may lag: the takeover replays some.
    const beforeKill = await post(40, 'before kill');
    await eventually(() => deliveredToAll(beforeKill), 'the messages before the kill arrived', 20_000);
    await killHard(victim.hub);
    const killedAt = Date.now();
    const duringOutage = await post(60, 'during outage');
    await waitFor(everySecond(() => allShardsReadyOnce(survivors)), 'the survivors run every shard', 30_000, survivors);
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs <= 30_000, `taken over in ${tookMs} ms`);
    t.diagnostic(`${victim.name} ran shard(s) ${orphaned.join(', ')}; the survivors ran them again ${tookMs} ms after the kill`);
    const afterTakeover = await post(60, 'after takeover');

    const expected = [...beforeKill, ...duringOutage, ...afterTakeover];
    await eventually(() => deliveredToAll(expected), 'every message arrived at both apps', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const receiver of receivers) {
      const ledger = ledgerOf(receiver.received, expected);
      const hooks = receiver.received.filter((h) => expected.includes((h.payload as { data?: { content?: string } }).data?.content ?? ''));
      const distinctIds = new Set(hooks.map((h) => h.webhookId)).size;
      assert.deepEqual({ missing: ledger.missing, idMismatches: ledger.idMismatches, unverified: ledger.unverified }, { missing: [], idMismatches: [], unverified: 0 });
      assert.equal(distinctIds, expected.length, `one webhook-id per message (total deliveries ${hooks.length}, distinct ids ${distinctIds})`);
      t.diagnostic(`${expected.length} messages: ${hooks.length} deliveries under ${distinctIds} distinct webhook-ids`);
    }
    const afterStats = await sim.control<SimStats>('GET', '/stats');
    assert.ok(afterStats.gateway.resumes - before.gateway.resumes >= orphaned.length, `the ${orphaned.length} orphaned shard(s) were resumed, not identified again`);
    assert.equal(afterStats.gateway.identifies, before.gateway.identifies, 'no new IDENTIFY');
    instances = survivors;
  });
});
