/** Jobs: every scheduled job with its last run — when, the outcome, how long, the error — and its next run. */
import type { Job } from '../api/api-types.ts';
import { Badge } from '../components/badge.tsx';
import { Button } from '../components/button.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { PageHeader } from '../components/page.tsx';
import { Table } from '../components/table.tsx';
import { formatDuration, formatMs, formatTime } from '../format/display.ts';
import { useApiResource } from '../hooks/use-api.ts';

export function JobsPage() {
  const jobs = useApiResource<Job[]>('/api/v1/jobs', 15_000);
  return (
    <>
      <PageHeader title="Jobs">
        <Button onClick={jobs.refresh}>Refresh</Button>
      </PageHeader>
      <ErrorNotice error={jobs.error} />
      <Table
        caption="Scheduled jobs"
        rows={jobs.data ?? []}
        rowKey={(j) => j.name}
        initialSort={{ key: 'name', direction: 'ascending' }}
        empty={jobs.loading ? 'Loading…' : 'No jobs are scheduled.'}
        columns={[
          { key: 'name', header: 'Job', render: (j) => j.name, sortValue: (j) => j.name },
          { key: 'every', header: 'Every', render: (j) => formatDuration(j.intervalMs / 1000), sortValue: (j) => j.intervalMs },
          { key: 'last', header: 'Last run', render: (j) => formatTime(j.lastRun?.startedAt), sortValue: (j) => j.lastRun?.startedAt ?? null },
          { key: 'outcome', header: 'Outcome', render: (j) => (j.lastRun ? <Badge value={j.lastRun.outcome} /> : <Badge value="never run" tone="neutral" />), sortValue: (j) => j.lastRun?.outcome ?? null },
          { key: 'duration', header: 'Duration', render: (j) => formatMs(j.lastRun?.durationMs), sortValue: (j) => j.lastRun?.durationMs ?? null },
          { key: 'error', header: 'Error', render: (j) => j.lastRun?.error ?? '—' },
          { key: 'next', header: 'Next run', render: (j) => (j.runningOn ? `running on ${j.runningOn}` : formatTime(j.nextRunAt)), sortValue: (j) => j.nextRunAt },
        ]}
      />
    </>
  );
}
