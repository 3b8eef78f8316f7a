/** Meetings of the chosen server: the running ones (refreshed every 15 s) and the ended ones. */
import { useState } from 'react';
import type { Meeting } from '../api/api-types.ts';
import { Badge } from '../components/badge.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { NoGuild, PageHeader } from '../components/page.tsx';
import { Table } from '../components/table.tsx';
import { Tabs } from '../components/tabs.tsx';
import { formatDuration, formatTime } from '../format/display.ts';
import { useApiResource } from '../hooks/use-api.ts';
import { useGuild } from '../session/guild-context.tsx';

function lasted(meeting: Meeting): string {
  const end = meeting.endedAt ?? new Date().toISOString();
  return formatDuration((Date.parse(end) - Date.parse(meeting.startsAt)) / 1000);
}

export function MeetingsPage() {
  const { guildId } = useGuild();
  const [status, setStatus] = useState<'active' | 'ended'>('active');
  const meetings = useApiResource<{ meetings: Meeting[] }>(guildId ? `/api/v1/guilds/${guildId}/meetings?status=${status}&limit=100` : null, 15_000);

  if (!guildId) {
    return (
      <>
        <PageHeader title="Meetings" />
        <NoGuild />
      </>
    );
  }

  return (
    <>
      <PageHeader title="Meetings" />
      <Tabs
        label="Which meetings"
        selected={status}
        onSelect={setStatus}
        tabs={[
          { key: 'active', label: 'Active' },
          { key: 'ended', label: 'Past' },
        ]}
      >
        <ErrorNotice error={meetings.error} />
        <div aria-live="polite">
          <Table
            caption={status === 'active' ? 'Active meetings' : 'Past meetings'}
            rows={meetings.data?.meetings ?? []}
            rowKey={(m) => m.id}
            empty={meetings.loading ? 'Loading…' : status === 'active' ? 'No meeting is running.' : 'No meetings have ended yet.'}
            columns={[
              { key: 'title', header: 'Title', render: (m) => m.title, sortValue: (m) => m.title },
              { key: 'type', header: 'Type', render: (m) => m.type, sortValue: (m) => m.type },
              { key: 'host', header: 'Host', render: (m) => m.hostUserId },
              { key: 'channel', header: 'Channel', render: (m) => m.channelId },
              { key: 'started', header: 'Started', render: (m) => formatTime(m.startsAt), sortValue: (m) => m.startsAt },
              { key: 'duration', header: status === 'active' ? 'Running for' : 'Lasted', render: lasted },
              { key: 'status', header: 'Status', render: (m) => <Badge value={m.status} /> },
            ]}
          />
        </div>
      </Tabs>
    </>
  );
}
