/**
 * Status: the bot's connection (the shared 10 s status hook, plus Refresh), guilds, latency, uptime,
 * shards, modules with the reason when off, the last error; start and stop with confirmation; and the
 * last hour's events per second and p95 latencies.
 */
import { useState } from 'react';
import type { BotStatus, StatusHistory } from '../api/api-types.ts';
import { Badge } from '../components/badge.tsx';
import { Button } from '../components/button.tsx';
import { Chart } from '../components/chart.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { PageHeader } from '../components/page.tsx';
import { StatusIndicator } from '../components/status-indicator.tsx';
import { Table } from '../components/table.tsx';
import { formatDuration, formatMs, formatTime } from '../format/display.ts';
import { indicatorOf } from '../format/status-tones.ts';
import { useAction, useApi, useApiResource } from '../hooks/use-api.ts';
import { BOT_STATUS_INTERVAL_MS, useBotStatus } from '../hooks/use-bot-status.tsx';
import { useSession } from '../session/session-context.tsx';

type Confirming = 'start' | 'stop' | null;

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function StatusPage() {
  const status = useBotStatus();
  const history = useApiResource<StatusHistory>('/api/v1/status/history', BOT_STATUS_INTERVAL_MS);
  const api = useApi();
  const action = useAction();
  const { me } = useSession();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [done, setDone] = useState<string | null>(null);
  const bot = status.data;
  const indicator = indicatorOf(bot, status.error !== null && bot === undefined);
  const isAdmin = me?.role === 'admin';

  const change = async (what: 'start' | 'stop') => {
    setDone(null);
    const result = await action.run(() => api.send<BotStatus>('POST', `/api/v1/bot/${what}`));
    setConfirming(null);
    if (result) setDone(what === 'start' ? 'The bot is connecting to Discord.' : 'The bot has disconnected from Discord.');
    status.refresh();
  };

  const points = history.data?.points ?? [];
  const labels = points.map((p) => clock(p.at));

  return (
    <>
      <PageHeader title="Status">
        <Button onClick={status.refresh} busy={status.loading && bot !== undefined}>
          Refresh
        </Button>
        {isAdmin ? (
          <>
            <Button variant="primary" onClick={() => setConfirming('start')} disabled={bot?.running === true}>
              Start bot
            </Button>
            <Button variant="danger" onClick={() => setConfirming('stop')} disabled={bot !== undefined && !bot.running}>
              Stop bot
            </Button>
          </>
        ) : null}
      </PageHeader>

      <section className="card status-hero" aria-live="polite">
        <StatusIndicator state={indicator.state} label={indicator.label} large />
        <p className="muted">
          {status.updatedAt ? `Updated ${new Date(status.updatedAt).toLocaleTimeString()}; refreshes every 10 seconds.` : 'Loading…'}
        </p>
      </section>

      <ErrorNotice error={status.error} />
      <ErrorNotice error={action.error} onDismiss={action.clear} />
      {done ? (
        <Notice tone="success" onDismiss={() => setDone(null)}>
          {done}
        </Notice>
      ) : null}

      {bot ? (
        <>
          <dl className="stat-grid">
            <div className="stat">
              <dt>State</dt>
              <dd>{bot.state}</dd>
            </div>
            <div className="stat">
              <dt>Servers</dt>
              <dd>{bot.guilds}</dd>
            </div>
            <div className="stat">
              <dt>Latency</dt>
              <dd>{formatMs(bot.latencyMs)}</dd>
            </div>
            <div className="stat">
              <dt>Uptime</dt>
              <dd>{bot.running ? formatDuration(bot.uptimeSeconds) : '—'}</dd>
            </div>
            <div className="stat">
              <dt>Shards</dt>
              <dd>{bot.shards.length}</dd>
            </div>
            <div className="stat">
              <dt>Version</dt>
              <dd>{bot.version}</dd>
            </div>
          </dl>

          {/* Once connected again, the last error is history: shown, but not as an alarm. */}
          {bot.lastError ? (
            <Notice tone={bot.ready ? 'info' : 'error'} title={bot.ready ? 'Last error (recovered since)' : 'Last error'}>
              {bot.lastError}
            </Notice>
          ) : null}

          <h2>Shards</h2>
          <Table
            caption="Shards"
            rowKey={(shard) => String(shard.id)}
            rows={bot.shards}
            empty="No shards: the bot is not connected."
            columns={[
              { key: 'id', header: 'Shard', render: (s) => s.id, sortValue: (s) => s.id },
              { key: 'state', header: 'State', render: (s) => <Badge value={s.state} tone={s.state === 'ready' ? 'good' : s.state === 'failed' ? 'bad' : 'warn'} /> },
              { key: 'guilds', header: 'Servers', render: (s) => s.guilds, sortValue: (s) => s.guilds },
              { key: 'latency', header: 'Latency', render: (s) => formatMs(s.latencyMs), sortValue: (s) => s.latencyMs },
              { key: 'error', header: 'Last error', render: (s) => s.lastError ?? '—' },
            ]}
          />

          <h2>Modules</h2>
          <Table
            caption="Modules"
            rowKey={(m) => m.name}
            rows={bot.modules}
            empty="No modules are loaded."
            columns={[
              { key: 'name', header: 'Module', render: (m) => m.name, sortValue: (m) => m.name },
              { key: 'enabled', header: 'State', render: (m) => <Badge value={m.enabled ? 'enabled' : 'disabled'} tone={m.enabled ? 'good' : 'neutral'} /> },
              { key: 'reason', header: 'Why disabled', render: (m) => (m.enabled ? '—' : (m.reason ?? 'no reason given')) },
            ]}
          />
          {bot.startedAt ? <p className="muted">Started {formatTime(bot.startedAt)}.</p> : null}
        </>
      ) : null}

      <h2>The last hour</h2>
      <ErrorNotice error={history.error} />
      <div className="chart-grid-3">
        <Chart kind="line" title="Events per second" labels={labels} xLabel="Time" yLabel="events/s" series={[{ name: 'Events per second', values: points.map((p) => p.eventsPerSecond) }]} />
        <Chart kind="line" title="Webhook delivery latency (p95)" labels={labels} xLabel="Time" yLabel="ms" series={[{ name: 'Delivery p95', values: points.map((p) => p.deliveryP95Ms) }]} />
        <Chart kind="line" title="Interaction latency (p95)" labels={labels} xLabel="Time" yLabel="ms" series={[{ name: 'Interaction p95', values: points.map((p) => p.interactionP95Ms) }]} />
      </div>

      <ConfirmDialog
        open={confirming === 'start'}
        title="Start the bot?"
        confirmLabel="Yes, start the bot"
        busy={action.pending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => void change('start')}
      >
        <p>The bot connects to Discord and starts answering commands.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'stop'}
        title="Stop the bot?"
        confirmLabel="Yes, stop the bot"
        danger
        busy={action.pending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => void change('stop')}
      >
        <p>The bot disconnects from Discord: commands, tickets and deliveries from Discord stop until it is started again. The API keeps running.</p>
      </ConfirmDialog>
    </>
  );
}
