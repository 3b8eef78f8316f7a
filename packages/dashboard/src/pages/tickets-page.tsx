/**
 * Tickets of the chosen server: filters (status, priority, category), a search box, the list with paging
 * (refreshed every 10 s), and the opened/closed per day chart of the last 30 days.
 */
import { useState } from 'react';
import { query } from '../api/api-client.ts';
import { TICKET_PRIORITIES, TICKET_STATUSES, type Ticket, type TicketCategory, type TicketDay } from '../api/api-types.ts';
import { Badge } from '../components/badge.tsx';
import { Button } from '../components/button.tsx';
import { Chart } from '../components/chart.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { NoGuild, PageHeader } from '../components/page.tsx';
import { Table } from '../components/table.tsx';
import { formatTime } from '../format/display.ts';
import { useApiResource } from '../hooks/use-api.ts';
import { ticketPath } from '../routing/routes.ts';
import { Link } from '../routing/router.tsx';
import { useGuild } from '../session/guild-context.tsx';

const PAGE_SIZE = 25;
const option = (value: string) => ({ value, label: value });

export function TicketsPage() {
  const { guildId } = useGuild();
  const [status, setStatus] = useState('');
  const [priority, setPriority] = useState('');
  const [category, setCategory] = useState('');
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [offset, setOffset] = useState(0);

  const base = guildId ? `/api/v1/guilds/${guildId}` : null;
  const list = useApiResource<{ tickets: Ticket[]; total: number }>(
    base ? `${base}/tickets${query({ status, category, q: applied, limit: PAGE_SIZE, offset })}` : null,
    10_000,
  );
  const categories = useApiResource<TicketCategory[]>(base ? `${base}/ticket-categories` : null);
  const stats = useApiResource<TicketDay[]>(base ? `${base}/tickets/stats?days=30` : null);

  if (!guildId) {
    return (
      <>
        <PageHeader title="Tickets" />
        <NoGuild />
      </>
    );
  }

  // The API filters by status, category and text; priority is narrowed here, within the page shown.
  const tickets = (list.data?.tickets ?? []).filter((t) => priority === '' || t.priority === priority);
  const total = list.data?.total ?? 0;
  const categoryName = (id: string | null) => (id === null ? '—' : (categories.data?.find((c) => c.id === id)?.name ?? id));
  const days = stats.data ?? [];
  const resetPage = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setOffset(0);
  };

  return (
    <>
      <PageHeader title="Tickets">
        <Button onClick={list.refresh}>Refresh</Button>
      </PageHeader>

      <form
        className="filters"
        role="search"
        aria-label="Filter tickets"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(search.trim());
          setOffset(0);
        }}
      >
        <Field kind="select" label="Status" value={status} onChange={resetPage(setStatus)} options={[{ value: '', label: 'Any status' }, ...TICKET_STATUSES.map(option)]} />
        <Field kind="select" label="Priority" value={priority} onChange={setPriority} options={[{ value: '', label: 'Any priority' }, ...TICKET_PRIORITIES.map(option)]} />
        <Field
          kind="select"
          label="Category"
          value={category}
          onChange={resetPage(setCategory)}
          options={[{ value: '', label: 'Any category' }, ...(categories.data ?? []).map((c) => ({ value: c.id, label: c.name }))]}
        />
        <Field kind="search" label="Search" value={search} onChange={setSearch} placeholder="Title or description" maxLength={100} />
        <Button type="submit">Search</Button>
      </form>

      <ErrorNotice error={list.error} />
      <div aria-live="polite" className="muted">
        {list.data ? `${total} ticket${total === 1 ? '' : 's'}${priority ? `; ${tickets.length} of this page with priority ${priority}` : ''}` : list.loading ? 'Loading…' : ''}
      </div>
      <Table
        caption="Tickets"
        rows={tickets}
        rowKey={(t) => t.id}
        empty={applied || status || priority || category ? 'No ticket matches these filters.' : 'No tickets yet.'}
        columns={[
          { key: 'number', header: '#', render: (t) => <Link to={ticketPath(t.guildId, t.number)}>#{t.number}</Link>, sortValue: (t) => t.number },
          { key: 'title', header: 'Title', render: (t) => <Link to={ticketPath(t.guildId, t.number)}>{t.title}</Link>, sortValue: (t) => t.title },
          { key: 'status', header: 'Status', render: (t) => <Badge value={t.status} />, sortValue: (t) => t.status },
          { key: 'priority', header: 'Priority', render: (t) => <Badge value={t.priority} />, sortValue: (t) => TICKET_PRIORITIES.indexOf(t.priority) },
          { key: 'category', header: 'Category', render: (t) => categoryName(t.categoryId), sortValue: (t) => categoryName(t.categoryId) },
          { key: 'assignee', header: 'Assignee', render: (t) => t.assigneeId ?? '—' },
          { key: 'activity', header: 'Last activity', render: (t) => formatTime(t.lastActivityAt), sortValue: (t) => t.lastActivityAt },
        ]}
      />
      <div className="pager">
        <Button onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))} disabled={offset === 0}>
          Previous page
        </Button>
        <span className="muted">{total > 0 ? `${offset + 1}–${Math.min(offset + PAGE_SIZE, total)} of ${total}` : ''}</span>
        <Button onClick={() => setOffset(offset + PAGE_SIZE)} disabled={offset + PAGE_SIZE >= total}>
          Next page
        </Button>
      </div>

      <h2>Opened and closed per day</h2>
      <ErrorNotice error={stats.error} />
      <Chart
        kind="bar"
        title="Tickets opened and closed per day (last 30 days)"
        labels={days.map((d) => d.day.slice(5))}
        xLabel="Day"
        yLabel="tickets"
        series={[
          { name: 'Opened', values: days.map((d) => d.opened) },
          { name: 'Closed', values: days.map((d) => d.closed) },
        ]}
      />
    </>
  );
}
