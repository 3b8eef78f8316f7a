/**
 * Attendance sessions of the chosen server: upcoming and past tabs, who answered what for a session (with
 * the counts), planning a new session and changing one, cancelling, and attendance over time (90 days).
 */
import { useState } from 'react';
import { query } from '../api/api-client.ts';
import type { AttendanceResponse, AttendanceSession, AttendanceSummary, SessionStat } from '../api/api-types.ts';
import { Badge } from '../components/badge.tsx';
import { Button } from '../components/button.tsx';
import { Chart } from '../components/chart.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { NoGuild, PageHeader } from '../components/page.tsx';
import { Table } from '../components/table.tsx';
import { Tabs } from '../components/tabs.tsx';
import { formatTime } from '../format/display.ts';
import { useAction, useApi, useApiResource } from '../hooks/use-api.ts';
import { useMemberNames } from '../hooks/use-member-names.ts';
import { useGuild } from '../session/guild-context.tsx';
import { canChange, useSession } from '../session/session-context.tsx';
import { SessionForm } from './session-form.tsx';

type When = 'upcoming' | 'past';
type Editing = { mode: 'new' } | { mode: 'edit'; session: AttendanceSession } | null;

function answersOf(summary: AttendanceSummary): (AttendanceResponse & { listed: string })[] {
  return [
    ...summary.yes.map((r) => ({ ...r, listed: 'yes' })),
    ...summary.waitlist.map((r) => ({ ...r, listed: 'waitlist' })),
    ...summary.late.map((r) => ({ ...r, listed: 'late' })),
    ...summary.maybe.map((r) => ({ ...r, listed: 'maybe' })),
    ...summary.no.map((r) => ({ ...r, listed: 'no' })),
  ];
}

const ANSWER_TONE = { yes: 'good', waitlist: 'info', late: 'warn', maybe: 'warn', no: 'bad' } as const;

export function SessionsPage() {
  const { guildId } = useGuild();
  const { me } = useSession();
  const api = useApi();
  const action = useAction();
  const [when, setWhen] = useState<When>('upcoming');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [cancelling, setCancelling] = useState<AttendanceSession | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const base = guildId ? `/api/v1/guilds/${guildId}/sessions` : null;
  const list = useApiResource<{ sessions: AttendanceSession[]; total: number }>(base ? `${base}${query({ when, limit: 50 })}` : null, 30_000);
  const attendance = useApiResource<{ session: AttendanceSession; attendance: AttendanceSummary }>(base && selected ? `${base}/${selected}/attendance` : null, 10_000);
  const stats = useApiResource<SessionStat[]>(base ? `${base}/stats?days=90` : null);
  const mayChange = canChange(me);

  if (!guildId || !base) {
    return (
      <>
        <PageHeader title="Sessions" />
        <NoGuild />
      </>
    );
  }

  const saved = (message: string) => {
    setEditing(null);
    setNotice(message);
    list.refresh();
    attendance.refresh();
    stats.refresh();
  };

  const cancel = async (session: AttendanceSession) => {
    const result = await action.run(() => api.send('POST', `${base}/${session.id}/cancel`, {}));
    setCancelling(null);
    if (result !== undefined) setNotice(`“${session.title}” is cancelled.`);
    list.refresh();
  };

  const sessions = list.data?.sessions ?? [];
  const current = attendance.data;
  const nameOf = useMemberNames(guildId, current ? answersOf(current.attendance).map((r) => r.userId) : []);
  const points = stats.data ?? [];

  return (
    <>
      <PageHeader title="Sessions">
        {mayChange ? (
          <Button variant="primary" onClick={() => setEditing({ mode: 'new' })}>
            New session
          </Button>
        ) : null}
      </PageHeader>
      {notice ? (
        <Notice tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      ) : null}
      <ErrorNotice error={action.error} onDismiss={action.clear} />

      {editing ? (
        <SessionForm
          key={editing.mode === 'edit' ? editing.session.id : 'new'}
          guildId={guildId}
          session={editing.mode === 'edit' ? editing.session : null}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      ) : null}

      <Tabs
        label="Which sessions"
        selected={when}
        onSelect={(key) => {
          setWhen(key);
          setSelected(null);
        }}
        tabs={[
          { key: 'upcoming', label: 'Upcoming' },
          { key: 'past', label: 'Past' },
        ]}
      >
        <ErrorNotice error={list.error} />
        <Table
          caption={when === 'upcoming' ? 'Upcoming sessions' : 'Past sessions'}
          rows={sessions}
          rowKey={(s) => s.id}
          empty={list.loading ? 'Loading…' : when === 'upcoming' ? 'No sessions are planned.' : 'No past sessions.'}
          columns={[
            { key: 'title', header: 'Title', render: (s) => s.title, sortValue: (s) => s.title },
            { key: 'starts', header: 'Starts', render: (s) => formatTime(s.startsAt), sortValue: (s) => s.startsAt },
            { key: 'zone', header: 'Time zone', render: (s) => s.timezone },
            { key: 'capacity', header: 'Capacity', render: (s) => s.capacity ?? 'no limit', sortValue: (s) => s.capacity },
            { key: 'status', header: 'Status', render: (s) => <Badge value={s.status} /> },
            {
              key: 'actions',
              header: 'Actions',
              render: (s) => (
                <div className="button-row">
                  <Button onClick={() => setSelected(s.id)} aria-pressed={selected === s.id}>
                    Answers<span className="visually-hidden"> for {s.title}</span>
                  </Button>
                  {mayChange && s.status === 'scheduled' ? (
                    <>
                      <Button onClick={() => setEditing({ mode: 'edit', session: s })}>
                        Edit<span className="visually-hidden"> {s.title}</span>
                      </Button>
                      <Button variant="danger" onClick={() => setCancelling(s)}>
                        Cancel<span className="visually-hidden"> {s.title}</span>
                      </Button>
                    </>
                  ) : null}
                </div>
              ),
            },
          ]}
        />
      </Tabs>

      {selected ? (
        <section aria-labelledby="answers-heading" className="card">
          <h2 id="answers-heading">Answers{current ? `: ${current.session.title}` : ''}</h2>
          <ErrorNotice error={attendance.error} />
          {current ? (
            <>
              <p data-testid="session-counts" aria-live="polite" className="counts">
                <span>Yes {current.attendance.counts.yes}</span>
                <span>Waitlist {current.attendance.counts.waitlist}</span>
                <span>Late {current.attendance.counts.late}</span>
                <span>Maybe {current.attendance.counts.maybe}</span>
                <span>No {current.attendance.counts.no}</span>
                {current.session.capacity !== null ? <span>Capacity {current.session.capacity}</span> : null}
              </p>
              <Table
                caption={`Answers for ${current.session.title}`}
                rows={answersOf(current.attendance)}
                rowKey={(r) => r.userId}
                empty="Nobody has answered yet."
                columns={[
                  { key: 'user', header: 'Member', render: (r) => nameOf(r.userId), sortValue: (r) => nameOf(r.userId) },
                  { key: 'answer', header: 'Answer', render: (r) => <Badge value={r.listed} tone={ANSWER_TONE[r.listed as keyof typeof ANSWER_TONE]} />, sortValue: (r) => r.listed },
                  { key: 'position', header: 'Waitlist position', render: (r) => r.waitlistPosition ?? '—', sortValue: (r) => r.waitlistPosition },
                  { key: 'at', header: 'Answered', render: (r) => formatTime(r.respondedAt), sortValue: (r) => r.respondedAt },
                ]}
              />
            </>
          ) : (
            <p className="muted">Loading…</p>
          )}
        </section>
      ) : null}

      <h2>Attendance over time</h2>
      <ErrorNotice error={stats.error} />
      <Chart
        kind="line"
        title="Answers per past session (last 90 days)"
        labels={points.map((p) => new Date(p.startsAt).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }))}
        xLabel="Session"
        yLabel="members"
        series={[
          { name: 'Yes', values: points.map((p) => p.yes) },
          { name: 'Late', values: points.map((p) => p.late) },
          { name: 'Maybe', values: points.map((p) => p.maybe) },
          { name: 'No', values: points.map((p) => p.no) },
          { name: 'Waitlisted', values: points.map((p) => p.waitlisted) },
        ]}
      />

      <ConfirmDialog
        open={cancelling !== null}
        title={`Cancel “${cancelling?.title ?? ''}”?`}
        confirmLabel="Yes, cancel the session"
        danger
        busy={action.pending}
        onCancel={() => setCancelling(null)}
        onConfirm={() => cancelling && void cancel(cancelling)}
      >
        <p>Members who had a place are told. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
