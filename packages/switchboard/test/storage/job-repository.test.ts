import assert from 'node:assert/strict';
import { JobRepository } from '../../src/storage/job-repository.ts';
import { describeEachDatabase } from '../support/databases.ts';

describeEachDatabase('job repository', ({ it, dialect, open, openAgain }) => {
  it('lets exactly one of many concurrent claimers take a due lease', async () => {
    const database = await open();
    const other = dialect === 'postgres' ? openAgain(database) : database;
    const a = new JobRepository(database.db);
    const b = new JobRepository(other.db);
    await a.ensureSchedule('sweep', 60_000, 1_000);
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).claim('sweep', `instance-${i}`, 2_000, 10_000)),
    );
    assert.equal(claims.filter(Boolean).length, 1);
  });

  it('does not hand out a job that is not due, nor one whose lease is live', async () => {
    const database = await open();
    const jobs = new JobRepository(database.db);
    await jobs.ensureSchedule('sweep', 60_000, 5_000);
    assert.equal(await jobs.claim('sweep', 'a', 4_999, 9_000), false, 'not due yet');
    assert.equal(await jobs.claim('sweep', 'a', 5_000, 9_000), true);
    assert.equal(await jobs.claim('sweep', 'b', 8_000, 12_000), false, 'lease still live');
    assert.equal(await jobs.claim('sweep', 'b', 9_001, 12_000), true, 'an expired lease can be taken over');
  });

  it('records a run and releases the lease with the next due time', async () => {
    const database = await open();
    const jobs = new JobRepository(database.db);
    await jobs.ensureSchedule('sweep', 1_000, 0);
    assert.ok(await jobs.claim('sweep', 'a', 100, 5_000));
    await jobs.recordStart({ id: 'run-1', jobName: 'sweep', instanceId: 'a', startedAt: 100 });
    await jobs.finish({ runId: 'run-1', jobName: 'sweep', owner: 'a', finishedAt: 150, durationMs: 50, outcome: 'failed', error: 'boom', nextRunAt: 1_100 });
    const [overview] = await jobs.overview();
    assert.equal(overview?.nextRunAt, 1_100);
    assert.equal(overview?.leaseOwner, null);
    assert.deepEqual(
      { outcome: overview?.lastRun?.outcome, error: overview?.lastRun?.error, duration: overview?.lastRun?.durationMs },
      { outcome: 'failed', error: 'boom', duration: 50 },
    );
  });

  it('keeps run history bounded', async () => {
    const database = await open();
    const jobs = new JobRepository(database.db);
    await jobs.recordStart({ id: 'old', jobName: 'x', instanceId: 'a', startedAt: 10 });
    await jobs.recordStart({ id: 'new', jobName: 'x', instanceId: 'a', startedAt: 1_000 });
    assert.equal(await jobs.abandonStaleRuns(500, 2_000), 1);
    assert.equal(await jobs.deleteRunsBefore(500), 1);
    assert.deepEqual((await jobs.runs('x', 10)).map((r) => r.id), ['new']);
  });
});
