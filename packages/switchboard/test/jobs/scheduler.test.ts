import assert from 'node:assert/strict';
import { JobScheduler } from '../../src/jobs/scheduler.ts';
import type { Job } from '../../src/jobs/job.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { JobRepository } from '../../src/storage/job-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';

const logger = createLogger({ level: 'silent' });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A job whose runs are recorded and held open until the test releases them. */
function controlledJob(name: string, intervalMs: number) {
  const runs: { instance: string; release: () => void }[] = [];
  const make = (instance: string): Job => ({
    name,
    intervalMs,
    timeoutMs: 60_000,
    async run() {
      const gate = deferred();
      runs.push({ instance, release: gate.resolve });
      await gate.promise;
    },
  });
  return { runs, make };
}

function finishedRuns() {
  const finished: string[] = [];
  let wake: (() => void) | undefined;
  return {
    finished,
    onRunFinished: (job: string, outcome: string) => {
      finished.push(`${job}:${outcome}`);
      wake?.();
    },
    async waitFor(count: number) {
      while (finished.length < count) await new Promise<void>((r) => (wake = r));
    },
  };
}

describeEachDatabase('job scheduler', ({ it, dialect, open, openAgain }) => {
  it('gives each due run to exactly one of two schedulers sharing the database', async () => {
    const database = await open();
    const second = dialect === 'postgres' ? openAgain(database) : database;
    let now = 1_000;
    const job = controlledJob('sweep', 10_000);
    const done = finishedRuns();
    const schedulerFor = (db: typeof database, instanceId: string) => {
      const scheduler = new JobScheduler({
        repository: new JobRepository(db.db),
        instanceId,
        logger,
        tickMs: 60_000,
        now: () => now,
        onRunFinished: done.onRunFinished,
      });
      scheduler.register(job.make(instanceId));
      return scheduler;
    };
    const a = schedulerFor(database, 'instance-a');
    const b = schedulerFor(second, 'instance-b');
    await a.start();
    await b.start();

    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    assert.equal(job.runs.length, 1, 'one run for one due time');
    job.runs[0]!.release();
    await done.waitFor(1);

    now += 9_999; // the next run is due one interval after the last one started
    await Promise.all([a.tick(), b.tick()]);
    assert.equal(job.runs.length, 1, 'not due yet');
    now += 1;
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    assert.equal(job.runs.length, 2, 'due again: exactly one more run');

    now += 30_000; // due again by the clock, but the second run is still going: its lease keeps it single
    await Promise.all([a.tick(), b.tick()]);
    assert.equal(job.runs.length, 2, 'the lease holder is still running it');
    job.runs[1]!.release();
    await done.waitFor(2);

    const history = await new JobRepository(database.db).runs('sweep', 10);
    assert.equal(history.length, 2);
    assert.ok(history.every((r) => r.outcome === 'succeeded'));
    assert.ok(history.every((r) => ['instance-a', 'instance-b'].includes(r.instanceId)));
    await a.stop();
    await b.stop();
  });

  it('lets another instance take over when the lease holder died', async () => {
    const database = await open();
    let now = 0;
    const repository = new JobRepository(database.db);
    const job = controlledJob('refresh', 1_000);
    const survivor = new JobScheduler({ repository, instanceId: 'survivor', logger, tickMs: 60_000, now: () => now });
    survivor.register(job.make('survivor'));
    await survivor.start();
    // The dead instance claimed the job and never finished: its lease runs until 5_000.
    assert.ok(await repository.claim('refresh', 'dead', 0, 5_000));
    await survivor.tick();
    assert.equal(job.runs.length, 0);
    now = 5_001;
    await survivor.tick();
    assert.equal(job.runs.length, 1);
    assert.equal(job.runs[0]!.instance, 'survivor');
    job.runs[0]!.release();
    await survivor.stop();
  });

  it('stores failures and time-outs with their error', async () => {
    const database = await open();
    const repository = new JobRepository(database.db);
    const done = finishedRuns();
    const scheduler = new JobScheduler({ repository, instanceId: 'a', logger, tickMs: 60_000, onRunFinished: done.onRunFinished });
    scheduler.register({ name: 'broken', intervalMs: 60_000, run: async () => Promise.reject(new Error('the API said no')) });
    scheduler.register({
      name: 'slow',
      intervalMs: 60_000,
      timeoutMs: 50,
      run: ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
    });
    await scheduler.start();
    await scheduler.tick();
    await done.waitFor(2);
    const overview = Object.fromEntries((await repository.overview()).map((j) => [j.name, j.lastRun]));
    assert.equal(overview.broken?.outcome, 'failed');
    assert.equal(overview.broken?.error, 'the API said no');
    assert.equal(overview.slow?.outcome, 'timed_out');
    assert.match(overview.slow?.error ?? '', /timed out after 50 ms/);
    await scheduler.stop();
  });

  it('stop() waits for a run in flight, then stops ticking', async () => {
    const database = await open();
    const repository = new JobRepository(database.db);
    let finished = false;
    let runs = 0;
    const scheduler = new JobScheduler({ repository, instanceId: 'a', logger, tickMs: 10 });
    scheduler.register({
      name: 'busy',
      intervalMs: 20,
      async run() {
        runs++;
        await new Promise((r) => setTimeout(r, 200));
        finished = true;
      },
    });
    await scheduler.start();
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));
    await scheduler.stop();
    assert.equal(finished, true, 'the run in flight finished before stop() resolved');
    const [last] = await repository.runs('busy', 1);
    assert.equal(last?.outcome, 'succeeded');
    const countAtStop = runs;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(runs, countAtStop, 'no run after stop');
  });
});
