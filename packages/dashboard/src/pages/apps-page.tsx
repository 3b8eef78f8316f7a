/**
 * Apps (admins): the registry with online/stale/offline, registering an app (its token and signing secret
 * shown once), and for the chosen app its webhook deliveries with every attempt, Redeliver, Ping and
 * Rotate secret (the new secret shown once).
 */
import { useState, type FormEvent } from 'react';
import { problemsByPath, query } from '../api/api-client.ts';
import { APP_EVENT_TYPES, type Delivery, type RegisteredApp } from '../api/api-types.ts';
import { Badge } from '../components/badge.tsx';
import { Button } from '../components/button.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { OnceSecretPanel } from '../components/once-secret-panel.tsx';
import { PageHeader } from '../components/page.tsx';
import { Table } from '../components/table.tsx';
import { formatMs, formatTime, splitList } from '../format/display.ts';
import { useAction, useApi, useApiResource } from '../hooks/use-api.ts';
import { canChange, useSession } from '../session/session-context.tsx';

type Secrets = { title: string; secrets: { label: string; value: string }[] };
type RegisterValues = { id: string; name: string; callbackUrl: string; guilds: string; events: string[] };

const APP_ID = /^[a-z0-9][a-z0-9-]{1,31}$/;
const SNOWFLAKE = /^\d{17,20}$/;

function checkRegistration(values: RegisterValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!APP_ID.test(values.id)) errors.id = 'must be 2–32 lower-case letters, digits or -, starting with a letter or digit';
  if (values.name.trim().length === 0 || values.name.trim().length > 100) errors.name = 'must be 1–100 characters';
  try {
    const url = new URL(values.callbackUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') errors.callbackUrl = 'must be an http or https URL';
  } catch {
    errors.callbackUrl = 'must be a URL such as https://app.example.com/webhooks';
  }
  const guilds = splitList(values.guilds);
  if (guilds.length === 0) errors.guilds = 'an app acts in at least one server: give its id';
  else if (guilds.some((g) => !SNOWFLAKE.test(g))) errors.guilds = 'must be Discord server ids (17–20 digits), separated by commas';
  return errors;
}

function RegisterForm({ onRegistered, onCancel }: { onRegistered: (secrets: Secrets) => void; onCancel: () => void }) {
  const api = useApi();
  const action = useAction();
  const [values, setValues] = useState<RegisterValues>({ id: '', name: '', callbackUrl: '', guilds: '', events: ['message.create'] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (key: 'id' | 'name' | 'callbackUrl' | 'guilds') => (value: string) => setValues((before) => ({ ...before, [key]: value }));
  const problems = problemsByPath(action.error);
  const errorOf = (key: string) => errors[key] ?? [...problems].find(([path]) => path.split('.')[0] === key)?.[1];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = checkRegistration(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const created = await action.run(() =>
      api.send<{ app: RegisteredApp; token: string; signingSecret: string }>('POST', '/api/v1/apps', {
        id: values.id,
        name: values.name.trim(),
        callbackUrl: values.callbackUrl.trim(),
        guilds: splitList(values.guilds),
        events: values.events,
      }),
    );
    if (created) {
      onRegistered({
        title: `${created.app.name} is registered`,
        secrets: [
          { label: 'App token', value: created.token },
          { label: 'Signing secret', value: created.signingSecret },
        ],
      });
    }
  };

  return (
    <form className="card form-grid" aria-label="Register an app" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="span-all">Register an app</h2>
      <Field kind="text" label="App id" value={values.id} onChange={set('id')} error={errorOf('id')} hint="Lower-case letters, digits and -, e.g. quiz-bot." required />
      <Field kind="text" label="Name" value={values.name} onChange={set('name')} error={errorOf('name')} maxLength={100} required />
      <Field kind="url" label="Callback URL" value={values.callbackUrl} onChange={set('callbackUrl')} error={errorOf('callbackUrl')} placeholder="https://app.example.com/webhooks" required />
      <Field kind="text" label="Server ids" value={values.guilds} onChange={set('guilds')} error={errorOf('guilds')} hint="Comma-separated." required />
      <fieldset className="span-all checkbox-group">
        <legend>Events</legend>
        {APP_EVENT_TYPES.map((type) => (
          <Field
            key={type}
            kind="checkbox"
            label={type}
            checked={values.events.includes(type)}
            onChange={(checked) => setValues((before) => ({ ...before, events: checked ? [...before.events, type] : before.events.filter((e) => e !== type) }))}
          />
        ))}
      </fieldset>
      <div className="span-all">
        <ErrorNotice error={action.error} onDismiss={action.clear} />
      </div>
      <div className="button-row span-all">
        <Button type="submit" variant="primary" busy={action.pending}>
          Register
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

function Deliveries({ app, onSecret }: { app: RegisteredApp; onSecret: (secrets: Secrets) => void }) {
  const api = useApi();
  const action = useAction();
  const { me } = useSession();
  const [status, setStatus] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [rotating, setRotating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const base = `/api/v1/apps/${app.id}`;
  const deliveries = useApiResource<Delivery[]>(`${base}/deliveries${query({ status, limit: 50 })}`, 5000);
  const mayChange = canChange(me);

  const run = async (message: string, change: () => Promise<unknown>) => {
    setNotice(null);
    const done = await action.run(change);
    if (done !== undefined) setNotice(message);
    deliveries.refresh();
  };

  const rotate = async () => {
    const result = await action.run(() => api.send<{ signingSecret: string; previousValidUntil: string }>('POST', `${base}/secret/rotate`));
    setRotating(false);
    if (result) {
      onSecret({
        title: `New signing secret for ${app.name}`,
        secrets: [
          { label: 'Signing secret', value: result.signingSecret },
          { label: 'The old secret keeps signing until', value: formatTime(result.previousValidUntil) },
        ],
      });
    }
  };

  return (
    <section aria-labelledby="deliveries-heading" className="card">
      <div className="page-header">
        <h2 id="deliveries-heading">Deliveries of {app.name}</h2>
        {mayChange ? (
          <div className="page-actions">
            <Button onClick={() => void run('Ping queued; it shows below once sent.', () => api.send('POST', `${base}/ping`))}>Ping</Button>
            <Button variant="danger" onClick={() => setRotating(true)}>
              Rotate secret
            </Button>
          </div>
        ) : null}
      </div>
      {app.endpointDisabled ? (
        <Notice tone="error" title="Endpoint disabled">
          Since {formatTime(app.endpointDisabled.at)}: {app.endpointDisabled.reason ?? 'too many failures'}.
        </Notice>
      ) : null}
      {app.status === 'offline' ? (
        <Notice tone="info" title="The app is offline">
          The hub sends to an app only while it sends heartbeats: these deliveries, pings included, wait until it does.
        </Notice>
      ) : null}
      {notice ? (
        <Notice tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      ) : null}
      <ErrorNotice error={action.error} onDismiss={action.clear} />
      <ErrorNotice error={deliveries.error} />
      <div className="filters">
        <Field
          kind="select"
          label="Delivery status"
          value={status}
          onChange={setStatus}
          options={[{ value: '', label: 'Any status' }, ...['pending', 'delivering', 'delivered', 'failed', 'dead'].map((s) => ({ value: s, label: s }))]}
        />
      </div>
      <Table
        caption={`Deliveries of ${app.name}`}
        testId="deliveries"
        rows={deliveries.data ?? []}
        rowKey={(d) => d.id}
        empty={deliveries.loading ? 'Loading…' : 'No deliveries yet.'}
        expanded={(d) =>
          open === d.id ? (
            <ul className="attempts" aria-label={`Attempts of delivery ${d.id}`}>
              {d.attemptLog.length === 0 ? <li className="muted">Not attempted yet.</li> : null}
              {d.attemptLog.map((a) => (
                <li key={a.attempt}>
                  Attempt {a.attempt} at {formatTime(a.startedAt)}: {a.statusCode === null ? 'no answer' : `HTTP ${a.statusCode}`} in {formatMs(a.durationMs)}
                  {a.error ? <span className="error-text"> — {a.error}</span> : null}
                </li>
              ))}
            </ul>
          ) : null
        }
        columns={[
          { key: 'created', header: 'Created', render: (d) => formatTime(d.createdAt), sortValue: (d) => d.createdAt },
          { key: 'event', header: 'Event', render: (d) => d.eventType, sortValue: (d) => d.eventType },
          { key: 'status', header: 'Status', render: (d) => <Badge value={d.status} />, sortValue: (d) => d.status },
          { key: 'code', header: 'Last status code', render: (d) => d.lastStatusCode ?? '—', sortValue: (d) => d.lastStatusCode },
          { key: 'duration', header: 'Last duration', render: (d) => formatMs(d.attemptLog[d.attemptLog.length - 1]?.durationMs) },
          { key: 'attempts', header: 'Attempts', render: (d) => d.attempts, sortValue: (d) => d.attempts },
          { key: 'error', header: 'Last error', render: (d) => d.lastError ?? '—' },
          {
            key: 'actions',
            header: 'Actions',
            render: (d) => (
              <div className="button-row">
                <Button onClick={() => setOpen(open === d.id ? null : d.id)} aria-expanded={open === d.id}>
                  {open === d.id ? 'Hide attempts' : 'Show attempts'}
                </Button>
                {mayChange ? <Button onClick={() => void run('Queued for redelivery.', () => api.send('POST', `${base}/deliveries/${encodeURIComponent(d.id)}/redeliver`))}>Redeliver</Button> : null}
              </div>
            ),
          },
        ]}
      />
      <ConfirmDialog open={rotating} title={`Rotate the signing secret of ${app.name}?`} confirmLabel="Yes, rotate the secret" danger busy={action.pending} onCancel={() => setRotating(false)} onConfirm={() => void rotate()}>
        <p>A new secret signs every delivery from now on; the old one keeps signing beside it for 24 hours so the app can switch over.</p>
      </ConfirmDialog>
    </section>
  );
}

export function AppsPage() {
  const { me } = useSession();
  const apps = useApiResource<RegisteredApp[]>('/api/v1/apps', 15_000);
  const [registering, setRegistering] = useState(false);
  const [secrets, setSecrets] = useState<Secrets | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const app = apps.data?.find((a) => a.id === selected) ?? null;

  return (
    <>
      <PageHeader title="Apps">
        {canChange(me) ? (
          <Button variant="primary" onClick={() => setRegistering(true)}>
            Register app
          </Button>
        ) : null}
        <Button onClick={apps.refresh}>Refresh</Button>
      </PageHeader>
      {secrets ? <OnceSecretPanel title={secrets.title} secrets={secrets.secrets} onDismiss={() => setSecrets(null)} /> : null}
      {registering ? (
        <RegisterForm
          onCancel={() => setRegistering(false)}
          onRegistered={(shown) => {
            setRegistering(false);
            setSecrets(shown);
            apps.refresh();
          }}
        />
      ) : null}
      <ErrorNotice error={apps.error} />
      <div aria-live="polite">
        <Table
          caption="Registered apps"
          rows={apps.data ?? []}
          rowKey={(a) => a.id}
          empty={apps.loading ? 'Loading…' : 'No apps are registered.'}
          columns={[
            { key: 'name', header: 'App', render: (a) => `${a.name} (${a.id})`, sortValue: (a) => a.name },
            { key: 'status', header: 'Status', render: (a) => <Badge value={a.status} />, sortValue: (a) => a.status },
            { key: 'heartbeat', header: 'Last heartbeat', render: (a) => formatTime(a.lastHeartbeatAt), sortValue: (a) => a.lastHeartbeatAt },
            { key: 'guilds', header: 'Servers', render: (a) => a.guilds.length, sortValue: (a) => a.guilds.length },
            { key: 'events', header: 'Events', render: (a) => a.events.join(', ') || '—' },
            {
              key: 'actions',
              header: 'Actions',
              render: (a) => (
                <Button onClick={() => setSelected(a.id)} aria-pressed={selected === a.id}>
                  Deliveries<span className="visually-hidden"> of {a.name}</span>
                </Button>
              ),
            },
          ]}
        />
      </div>
      {app ? <Deliveries key={app.id} app={app} onSecret={setSecrets} /> : null}
    </>
  );
}
