/**
 * Connections and streams: the chosen server's go-live subscriptions (list, add, remove) and, for admins,
 * the linked accounts per platform and how OAuth sign-ins are going.
 */
import { useState, type FormEvent } from 'react';
import { problemsByPath } from '../api/api-client.ts';
import { STREAM_PLATFORMS, type OAuthStats, type StreamSubscription } from '../api/api-types.ts';
import { Badge } from '../components/badge.tsx';
import { Button } from '../components/button.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { NoGuild, PageHeader } from '../components/page.tsx';
import { Table } from '../components/table.tsx';
import { formatTime } from '../format/display.ts';
import { useAction, useApi, useApiResource } from '../hooks/use-api.ts';
import { useGuild } from '../session/guild-context.tsx';
import { canChange, useSession } from '../session/session-context.tsx';

const SNOWFLAKE = /^\d{17,20}$/;

function OAuthStatistics() {
  const stats = useApiResource<OAuthStats>('/api/v1/admin/oauth/stats', 30_000);
  const s = stats.data;
  return (
    <section aria-labelledby="oauth-heading">
      <h2 id="oauth-heading">Linked accounts and OAuth</h2>
      <ErrorNotice error={stats.error} />
      {s ? (
        <dl className="stat-grid">
          {(Object.keys(s.linkedByPlatform) as (keyof OAuthStats['linkedByPlatform'])[]).map((platform) => (
            <div className="stat" key={platform}>
              <dt>Linked {platform}</dt>
              <dd>{s.linkedByPlatform[platform]}</dd>
            </div>
          ))}
          <div className="stat">
            <dt>Sign-ins in progress</dt>
            <dd>{s.active}</dd>
          </div>
          <div className="stat">
            <dt>Succeeded (last day)</dt>
            <dd>{s.used}</dd>
          </div>
          <div className="stat">
            <dt>Expired unused</dt>
            <dd>{s.expired}</dd>
          </div>
          <div className="stat">
            <dt>Burned (wrong browser)</dt>
            <dd>{s.burned}</dd>
          </div>
          <div className="stat">
            <dt>Replays refused</dt>
            <dd>{s.replaysRefused + s.expiredRefused}</dd>
          </div>
          <div className="stat">
            <dt>Success rate</dt>
            <dd>{s.successRate === null ? '—' : `${Math.round(s.successRate * 100)} %`}</dd>
          </div>
        </dl>
      ) : stats.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
    </section>
  );
}

export function ConnectionsPage() {
  const { guildId } = useGuild();
  const { me } = useSession();
  const api = useApi();
  const action = useAction();
  const [form, setForm] = useState({ platform: 'twitch', streamer: '', channelId: '', roleId: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState<StreamSubscription | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const base = guildId ? `/api/v1/guilds/${guildId}/streams` : null;
  const subscriptions = useApiResource<{ subscriptions: StreamSubscription[] }>(base, 30_000);
  const mayChange = canChange(me);
  const problems = problemsByPath(action.error);
  const errorOf = (key: string) => errors[key] ?? problems.get(key);
  const set = (key: keyof typeof form) => (value: string) => setForm((before) => ({ ...before, [key]: value }));

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!base) return;
    const found: Record<string, string> = {};
    if (form.streamer.trim() === '') found.streamer = 'name the streamer: login, handle, channel id or URL';
    if (!SNOWFLAKE.test(form.channelId.trim())) found.channelId = 'must be a Discord channel id (17–20 digits)';
    if (form.roleId.trim() !== '' && !SNOWFLAKE.test(form.roleId.trim())) found.roleId = 'must be empty or a Discord role id (17–20 digits)';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const created = await action.run(() =>
      api.send<StreamSubscription>('POST', base, { platform: form.platform, streamer: form.streamer.trim(), channelId: form.channelId.trim(), roleId: form.roleId.trim() || null }),
    );
    if (created) {
      setNotice(`Announcing ${created.streamer.name} in channel ${created.channelId}.`);
      setForm((before) => ({ ...before, streamer: '' }));
      subscriptions.refresh();
    }
  };

  const remove = async (subscription: StreamSubscription) => {
    if (!base) return;
    const done = await action.run(() => api.send('DELETE', `${base}/${subscription.id}`));
    setRemoving(null);
    if (done !== undefined) setNotice(`${subscription.streamer.name} is no longer announced.`);
    subscriptions.refresh();
  };

  return (
    <>
      <PageHeader title="Connections" />
      {notice ? (
        <Notice tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      ) : null}
      <h2>Go-live announcements</h2>
      {!guildId ? (
        <NoGuild />
      ) : (
        <>
          <ErrorNotice error={subscriptions.error} />
          <Table
            caption="Go-live subscriptions"
            rows={subscriptions.data?.subscriptions ?? []}
            rowKey={(s) => s.id}
            empty={subscriptions.loading ? 'Loading…' : 'No streamers are announced in this server.'}
            columns={[
              {
                key: 'streamer',
                header: 'Streamer',
                render: (s) => (
                  <a href={s.streamer.url} target="_blank" rel="noreferrer noopener">
                    {s.streamer.name}
                  </a>
                ),
                sortValue: (s) => s.streamer.name,
              },
              { key: 'platform', header: 'Platform', render: (s) => s.platform, sortValue: (s) => s.platform },
              { key: 'channel', header: 'Channel', render: (s) => s.channelId },
              { key: 'role', header: 'Role pinged', render: (s) => s.roleId ?? '—' },
              { key: 'status', header: 'Status', render: (s) => <span title={s.statusReason ?? undefined}><Badge value={s.status} />{s.statusReason ? <span className="muted"> {s.statusReason}</span> : null}</span>, sortValue: (s) => s.status },
              { key: 'created', header: 'Added', render: (s) => formatTime(s.createdAt), sortValue: (s) => s.createdAt },
              {
                key: 'actions',
                header: 'Actions',
                render: (s) =>
                  mayChange ? (
                    <Button variant="danger" onClick={() => setRemoving(s)}>
                      Remove<span className="visually-hidden"> {s.streamer.name}</span>
                    </Button>
                  ) : null,
              },
            ]}
          />
          {mayChange ? (
            <form className="card form-grid" aria-label="Add a go-live announcement" onSubmit={(event) => void add(event)} noValidate>
              <h3 className="span-all">Add a streamer</h3>
              <Field kind="select" label="Platform" value={form.platform} onChange={set('platform')} options={STREAM_PLATFORMS.map((p) => ({ value: p, label: p }))} />
              <Field kind="text" label="Streamer" value={form.streamer} onChange={set('streamer')} error={errorOf('streamer')} hint="Login, handle, channel id or URL." maxLength={200} required />
              <Field kind="text" label="Channel id" value={form.channelId} onChange={set('channelId')} error={errorOf('channelId')} required />
              <Field kind="text" label="Role id to ping" value={form.roleId} onChange={set('roleId')} error={errorOf('roleId')} hint="Optional." />
              <div className="span-all">
                <ErrorNotice error={action.error} onDismiss={action.clear} />
              </div>
              <div className="button-row span-all">
                <Button type="submit" variant="primary" busy={action.pending}>
                  Add streamer
                </Button>
              </div>
            </form>
          ) : null}
        </>
      )}
      {me?.role === 'admin' ? <OAuthStatistics /> : null}
      <ConfirmDialog
        open={removing !== null}
        title={`Stop announcing ${removing?.streamer.name ?? ''}?`}
        confirmLabel="Yes, remove it"
        danger
        busy={action.pending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && void remove(removing)}
      />
    </>
  );
}
